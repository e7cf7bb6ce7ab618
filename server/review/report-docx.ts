// The annual report's training section as a Word document (.docx): the same filled paragraphs,
// tables and quotations as the page, for the partnership's report to be assembled in. A .docx is a
// zip of a few XML parts (Office Open XML, ECMA-376); this writes the four a document needs, with
// jszip, which the Worker bundle already holds for exceljs. (The docx package would add about
// 450 KB to the bundle, taking it past the 3 MB the Worker test allows.)
import type { Report, ReportTable } from './report';
import { reportTables } from './report';

/** The Word document's media type. */
export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** Text made safe for XML: the five escapes, and the control characters XML 1.0 does not allow left out. */
const escape = (text: string) =>
  text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

const run = (text: string, style: { bold?: boolean; italic?: boolean } = {}) =>
  `<w:r>${style.bold || style.italic ? `<w:rPr>${style.bold ? '<w:b/>' : ''}${style.italic ? '<w:i/>' : ''}</w:rPr>` : ''}<w:t xml:space="preserve">${escape(text)}</w:t></w:r>`;
const paragraph = (runs: string, styleId?: string) => `<w:p>${styleId ? `<w:pPr><w:pStyle w:val="${styleId}"/></w:pPr>` : ''}${runs}</w:p>`;

const BORDER = 'w:val="single" w:sz="4" w:space="0" w:color="auto"';
function table(t: ReportTable) {
  const width = Math.floor(9000 / t.head.length);
  const row = (cells: string[], head: boolean) =>
    `<w:tr>${head ? '<w:trPr><w:tblHeader/></w:trPr>' : ''}${cells.map((cell) => `<w:tc><w:tcPr><w:tcW w:w="${width}" w:type="dxa"/></w:tcPr>${paragraph(run(cell, { bold: head }))}</w:tc>`).join('')}</w:tr>`;
  return (
    paragraph(run(t.caption), 'Heading2') +
    `<w:tbl><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>${['top', 'left', 'bottom', 'right', 'insideH', 'insideV'].map((side) => `<w:${side} ${BORDER}/>`).join('')}</w:tblBorders></w:tblPr>` +
    `<w:tblGrid>${t.head.map(() => `<w:gridCol w:w="${width}"/>`).join('')}</w:tblGrid>` +
    row(t.head, true) +
    t.rows.map((r) => row(r, false)).join('') +
    '</w:tbl>'
  );
}

/** The document's body: the heading, the paragraphs, the tables and the quotations. */
export function documentXml(report: Report): string {
  const body = [
    paragraph(run(`Training in ${report.year}`), 'Heading1'),
    ...report.paragraphs.filter((p) => p.text).map((p) => paragraph(run(p.text))),
    ...reportTables(report).map(table),
    ...(report.quotations.length
      ? [paragraph(run('In their own words'), 'Heading2'), ...report.quotations.map((q) => paragraph(run(`“${q.words}”`, { italic: true }) + run(` (${q.course})`)))]
      : []),
  ];
  return `${XML}<w:document xmlns:w="${W}"><w:body>${body.join('')}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr></w:body></w:document>`;
}

const heading = (id: string, name: string, size: number) =>
  `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="${id === 'Heading1' ? 0 : 1}"/></w:pPr><w:rPr><w:b/><w:sz w:val="${size}"/></w:rPr></w:style>`;
const STYLES = `${XML}<w:styles xmlns:w="${W}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:cs="Arial"/><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>${heading('Heading1', 'heading 1', 36)}${heading('Heading2', 'heading 2', 28)}</w:styles>`;
const CONTENT_TYPES = `${XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`;
const relationships = (type: string, target: string) =>
  `${XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/${type}" Target="${target}"/></Relationships>`;

export async function reportDocx(report: Report): Promise<Uint8Array<ArrayBuffer>> {
  const { default: JSZip } = await import('jszip');
  const zip = new JSZip();
  zip.file('[Content_Types].xml', CONTENT_TYPES);
  zip.file('_rels/.rels', relationships('officeDocument', 'word/document.xml'));
  zip.file('word/_rels/document.xml.rels', relationships('styles', 'styles.xml'));
  zip.file('word/document.xml', documentXml(report));
  zip.file('word/styles.xml', STYLES);
  return new Uint8Array(await zip.generateAsync({ type: 'arraybuffer', compression: 'DEFLATE' }));
}
