// The annual report's training section as a Word document (docx): the same filled paragraphs,
// tables and quotations as the page, for the partnership's report to be assembled in.
import type { Report, ReportTable } from './report';
import { reportTables } from './report';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export async function reportDocx(report: Report): Promise<Uint8Array<ArrayBuffer>> {
  // Loaded when a document is asked for, so it does not weigh on every request.
  const { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } = await import('docx');
  const table = (t: ReportTable) => [
    new Paragraph({ text: t.caption, heading: HeadingLevel.HEADING_2 }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, children: t.head.map((h) => new TableCell({ children: [new Paragraph({ children: [new TextRun({ text: h, bold: true })] })] })) }),
        ...t.rows.map((row) => new TableRow({ children: row.map((cell) => new TableCell({ children: [new Paragraph(cell)] })) })),
      ],
    }),
  ];
  const doc = new Document({
    creator: report.title,
    title: `Training: ${report.year}`,
    sections: [
      {
        children: [
          new Paragraph({ text: `Training in ${report.year}`, heading: HeadingLevel.HEADING_1 }),
          ...report.paragraphs.filter((p) => p.text).map((p) => new Paragraph(p.text)),
          ...reportTables(report).flatMap(table),
          ...(report.quotations.length
            ? [
                new Paragraph({ text: 'In their own words', heading: HeadingLevel.HEADING_2 }),
                ...report.quotations.map((q) => new Paragraph({ children: [new TextRun({ text: `“${q.words}”`, italics: true }), new TextRun({ text: ` (${q.course})` })] })),
              ]
            : []),
        ],
      },
    ],
  });
  return new Uint8Array(await Packer.toArrayBuffer(doc));
}
