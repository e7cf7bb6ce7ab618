// The CSV files of the admin imports (people, e-learning completions) and of the exports
// (the session register, the charges to invoice). csv-parse reads and csv-stringify writes;
// this module holds what the app adds: each record's line number for messages, the header
// rules of the imports, messages a coordinator can act on, and the formula guard.
import { CsvError as ParseError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

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

/** The parse errors the options below allow, in words for whoever fixes the file. */
const PARSE_ERRORS: Partial<Record<ParseError['code'], string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is not closed; check for a missing "',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'there is text after a closing quote; put the whole value in quotes, and write a quote inside it as ""',
};

/** CRLF, a lone CR and a lone LF each end one line. */
const lineBreaks = (text: string) => text.match(/\r\n?|\n/g)?.length ?? 0;

/**
 * Splits CSV text into records: RFC 4180 quoting (commas, doubled quotes and line breaks
 * inside quotes), CRLF, LF or CR line ends, a UTF-8 byte order mark, a quote inside an
 * unquoted value kept as text, and white space after a closing quote or at the end of an
 * unquoted value dropped. Records whose fields are all empty (blank lines) are left out.
 * Errors name the line the record starts on.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  // The line the next record starts on. csv-parse's own count (info.lines) counts a CRLF
  // inside quotes as two lines, so the lines are counted here: every record but the last
  // ends with one line end, and the others in it are inside its quoted values.
  let line = 1;
  try {
    parse(text, {
      bom: true,
      // All three in one file; by default csv-parse keeps to the first one it finds.
      record_delimiter: ['\r\n', '\n', '\r'],
      // Short and long rows are readCsvTable's to judge.
      relax_column_count: true,
      // A quote inside an unquoted value (6" ruler) is text.
      relax_quotes: true,
      // White space after a closing quote is allowed, and anything else after it an error.
      rtrim: true,
      on_record: (fields) => {
        if (fields.some((f) => f !== '')) records.push({ line, fields });
        line += fields.reduce((n, f) => n + lineBreaks(f), 1);
        return null;
      },
    });
  } catch (error) {
    const message = error instanceof ParseError && PARSE_ERRORS[error.code];
    if (message) throw new CsvError(message, line);
    throw error;
  }
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

/** A value a spreadsheet would run as a formula gets a ' in front, so it is shown as text (OWASP "CSV injection"). */
const asText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/**
 * Rows (the header first) as a CSV file for spreadsheets: a UTF-8 byte order mark, so that
 * Excel reads names with accents; a CRLF after every line (RFC 4180); values quoted when
 * they hold a quote, comma or line break; and text that would start a formula as text.
 * Numbers are written as numbers (a negative one is not a formula).
 */
export function writeCsv(rows: (string | number)[][]): string {
  // With a record_delimiter given, csv-stringify only quotes a value holding that whole CRLF
  // unless told to quote a lone CR or LF too; readers would split the line there.
  return stringify(rows, { bom: true, record_delimiter: 'windows', quote_record_delimiter: true, cast: { string: asText } });
}
