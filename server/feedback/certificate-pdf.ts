// A certificate of attendance: its wording, shared by the printable page and the PDF, and the
// PDF itself (A4 landscape, the standard Helvetica fonts, so nothing is embedded or fetched).
import type { PDFFont } from 'pdf-lib';
import { formatDate, duration } from '../shared/dates';
import type { certificateFor } from './service';
import { fileNamePart } from '../shared/file-names';

type Certificate = Awaited<ReturnType<typeof certificateFor>>;

export interface CertificateContent {
  partnershipName: string;
  name: string;
  courseTitle: string;
  /** "Tuesday 15 December 2026", the session's date in London. */
  date: string;
  duration: string;
  partial: boolean;
  code: string;
  verifyUrl: string;
}

export function certificateContent(certificate: Certificate, partnershipName: string, baseUrl: string): CertificateContent {
  return {
    partnershipName,
    name: certificate.name,
    courseTitle: certificate.courseTitle,
    date: formatDate(certificate.startsAt),
    duration: duration(certificate.durationMinutes),
    partial: certificate.partial,
    code: certificate.code,
    verifyUrl: `${baseUrl}/verify/${certificate.code}`,
  };
}

/** "certificate-neglect-awareness.pdf" */
export function certificateFilename(courseTitle: string): string {
  return `certificate-${fileNamePart(courseTitle, 'course')}.pdf`;
}

/** Letters with no decomposition to a plain one. */
const FOLD: Record<string, string> = { Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', ı: 'i', Ħ: 'H', ħ: 'h' };

/**
 * Text the font can draw: the standard fonts know only Windows-1252, so an accent the font lacks
 * is dropped ("Łukasz Dąbrowski" becomes "Lukasz Dabrowski") and anything else becomes "?",
 * rather than failing to make the certificate.
 */
function drawable(font: PDFFont, text: string): string {
  const known = new Set(font.getCharacterSet());
  const fits = (s: string) => [...s].every((ch) => known.has(ch.codePointAt(0)!));
  return [...text.normalize('NFC')]
    .map((ch) => {
      if (fits(ch)) return ch;
      const plain = FOLD[ch] ?? ch.normalize('NFD').replace(/\p{M}/gu, '');
      return plain && fits(plain) ? plain : '?';
    })
    .join('');
}

/** Splits text into lines no wider than `width` at this size. */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && font.widthOfTextAtSize(`${last} ${word}`, size) <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

const MARGIN = 48;

export async function certificatePdf(content: CertificateContent, issuedAt: Date): Promise<Uint8Array<ArrayBuffer>> {
  // pdf-lib is loaded when the first certificate is asked for: a server that makes none keeps
  // its 15 MB out of memory.
  const { PageSizes, PDFDocument, rgb, StandardFonts } = await import('pdf-lib');
  const INK = rgb(0.043, 0.047, 0.047);
  const BLUE = rgb(0.114, 0.439, 0.722);
  const pdf = await PDFDocument.create({ updateMetadata: false });
  const [height, width] = PageSizes.A4; // landscape: A4 turned on its side
  const page = pdf.addPage([width, height]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);

  page.drawRectangle({ x: MARGIN / 2, y: MARGIN / 2, width: width - MARGIN, height: height - MARGIN, borderColor: BLUE, borderWidth: 4 });

  let y = height - 2 * MARGIN;
  /** Draws text centred, wrapped to the page, moving down as it goes. */
  const centred = (text: string, size: number, font = regular, gapAfter = 12, color = INK) => {
    for (const line of wrap(font, drawable(font, text), size, width - 4 * MARGIN)) {
      y -= size;
      page.drawText(line, { x: (width - font.widthOfTextAtSize(line, size)) / 2, y, size, font, color });
      y -= size * 0.3;
    }
    y -= gapAfter;
  };

  centred(content.partnershipName, 16, bold, 28, BLUE);
  centred('Certificate of attendance', 36, bold, 30);
  centred('This is to certify that', 16);
  centred(content.name, 30, bold, 16);
  centred(content.partial ? 'partly attended' : 'attended', 16);
  centred(content.courseTitle, 24, bold, 16);
  centred(`on ${content.date} (${content.duration})`, 16);

  y = MARGIN + 48;
  centred(`Verification code: ${content.code}`, 12, bold, 4);
  centred(`Check this certificate at ${content.verifyUrl}`, 11, regular, 0);

  // Metadata is UTF-16, so it needs no folding.
  pdf.setTitle(`Certificate of attendance: ${content.courseTitle}`);
  pdf.setAuthor(content.partnershipName);
  pdf.setCreator(content.partnershipName);
  pdf.setProducer('pdf-lib');
  pdf.setCreationDate(issuedAt);
  pdf.setModificationDate(issuedAt);
  // Without object streams the file opens in older readers. Copied into a plain ArrayBuffer, as a response body takes.
  return new Uint8Array(await pdf.save({ useObjectStreams: false }));
}
