// A small RFC 4180 CSV reader for the admin imports (people now, e-learning completions later).
// It knows quoted fields (with commas, doubled quotes and line breaks inside), CRLF, LF or CR
// line ends and a UTF-8 byte order mark, and it keeps each record's line number for messages.

/** One record and the line of the file it starts on (1 is the first line). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A file that cannot be read as CSV, or whose header does not fit: stops the whole import. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** Splits CSV text into records. Records whose fields are all empty (blank lines) are left out. */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  // After a closing quote only a separator or a line end may follow.
  let closed = false;

  const endField = () => {
    fields.push(field);
    field = '';
    closed = false;
  };
  const endRecord = () => {
    endField();
    if (fields.some((f) => f !== '')) records.push({ line: recordLine, fields });
    fields = [];
  };

  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const char = source[i];
    const lineBreak = char === '\n' || (char === '\r' && source[i + 1] !== '\n');
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
        closed = true;
      } else {
        field += char;
        if (lineBreak) line++;
      }
    } else if (char === ',') {
      endField();
    } else if (lineBreak) {
      endRecord();
      line++;
      recordLine = line;
    } else if (char === '\r' || (closed && (char === ' ' || char === '\t'))) {
      // The first half of a CRLF (the \n that follows ends the record), or space after a closing quote.
    } else if (closed) {
      throw new CsvError('there is text after a closing quote; put the whole value in quotes, and write a quote inside it as ""', line);
    } else if (char === '"' && field === '') {
      quoted = true;
    } else {
      field += char;
    }
  }
  if (quoted) throw new CsvError('a quoted value is not closed; check for a missing "', recordLine);
  endRecord();
  return records;
}

/** One data row, its values keyed by column name. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

export interface CsvTable {
  rows: CsvRow[];
  /** Rows with more values than the header has columns. */
  problems: { line: number; message: string }[];
}

export interface CsvColumns {
  required: readonly string[];
  optional?: readonly string[];
  /** Keep quiet about other columns (a provider's export); by default they are an error, to catch misspelt names. */
  allowOtherColumns?: boolean;
}

/** "Job title" and "JOB_TITLE" both name the column job_title. */
const columnName = (heading: string) => heading.trim().toLowerCase().replace(/[\s-]+/g, '_');

/**
 * Reads CSV with a header row whose columns may come in any order and any case. An empty
 * file and a header with missing, repeated or unknown columns are CsvErrors; missing
 * trailing values count as empty. Values are trimmed.
 */
export function readCsvTable(text: string, spec: CsvColumns): CsvTable {
  const [header, ...records] = parseCsv(text);
  if (!header) throw new CsvError('the file is empty; the first line should name the columns');
  const columns = header.fields.map(columnName);
  const repeated = columns.filter((c, i) => c && columns.indexOf(c) !== i);
  if (repeated.length) throw new CsvError(`these columns appear more than once in the header: ${quoteList(repeated)}`, header.line);
  const missing = spec.required.filter((c) => !columns.includes(c));
  if (missing.length) throw new CsvError(`the header is missing these columns: ${quoteList(missing)} (it needs ${quoteList(spec.required)})`, header.line);
  const known = [...spec.required, ...(spec.optional ?? [])];
  const unknown = columns.filter((c) => c && !known.includes(c));
  if (unknown.length && !spec.allowOtherColumns) {
    throw new CsvError(`the header has columns this import does not know: ${quoteList(unknown)} (it reads ${quoteList(known)})`, header.line);
  }

  const problems: CsvTable['problems'] = [];
  const rows = records.map(({ line, fields }) => {
    if (fields.length > columns.length) {
      problems.push({ line, message: `has ${fields.length} values but the header has ${columns.length} columns; put values that contain commas in quotes` });
    }
    return { line, values: Object.fromEntries(columns.map((c, i) => [c, (fields[i] ?? '').trim()])) };
  });
  return { rows, problems };
}

const quoteList = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');
