// The few lines of iCalendar (RFC 5545) a calendar invite needs, written directly: TEXT values
// escaped (backslash, semicolon, comma, newline), times in UTC, lines folded at 75 octets
// (never inside a UTF-8 character) and ended with CRLF.

export interface CalendarEvent {
  productId: string;
  uid: string;
  method: 'REQUEST' | 'CANCEL';
  status: 'CONFIRMED' | 'CANCELLED';
  sequence: number;
  /** When this invite was made (DTSTAMP). */
  stamp: Date;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location: string;
  organiser: { name: string; email: string };
}

/** A TEXT value (RFC 5545 3.3.11). */
export const escapeText = (text: string) => text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r\n|\r|\n/g, '\\n');

/** A parameter value (3.2): always quoted; a quotation mark cannot appear in one, nor can control characters. */
const paramValue = (text: string) => `"${text.replace(/"/g, '\'').replace(/[\u0000-\u001f\u007f]/g, ' ')}"`;

/** "20261215T100000Z" (3.3.5, form 2). */
export const utcTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');


/** Octets a character takes in UTF-8, from its code point (no encoding per character). */
const utf8Octets = (char: string) => {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
};

/** A content line folded so no line is longer than 75 octets, continuation lines starting with a space (3.1). */
export function foldLine(line: string): string {
  // Most lines are short and ASCII (one octet a character): nothing to count.
  if (line.length <= 75 && /^[\x00-\x7f]*$/.test(line)) return line;
  const lines: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char);
    if (octets + size > 75) {
      lines.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  lines.push(current);
  return lines.join('\r\n');
}

/** A VCALENDAR with one VEVENT and a METHOD (an iTIP request or cancellation). */
export function calendarText(event: CalendarEvent): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${escapeText(event.productId)}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${event.method}`,
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utcTime(event.stamp)}`,
    `DTSTART:${utcTime(event.start)}`,
    `DTEND:${utcTime(event.end)}`,
    `SEQUENCE:${event.sequence}`,
    `STATUS:${event.status}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    `LOCATION:${escapeText(event.location)}`,
    `ORGANIZER;CN=${paramValue(event.organiser.name)}:mailto:${event.organiser.email}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
