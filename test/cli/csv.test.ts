import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv, readCsvTable } from '../../server/shared/csv';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv', () => {
  it('splits records and fields, keeping empty fields', () => {
    expect(fields('a,b,c\n1,,3\n,x,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', '', '3'],
      ['', 'x', ''],
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    expect(fields('"Smith, Jo","say ""hello""","two\nlines",plain\n')).toEqual([['Smith, Jo', 'say "hello"', 'two\nlines', 'plain']]);
    expect(fields('"",x')).toEqual([['', 'x']]);
  });

  it('accepts CRLF, LF and CR line ends and drops a UTF-8 byte order mark', () => {
    expect(fields('\uFEFFname,email\r\nJo,jo@x.example\r\n')).toEqual([
      ['name', 'email'],
      ['Jo', 'jo@x.example'],
    ]);
    expect(fields('a\rb\nc\r\nd')).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(fields('"line\r\nbreak",x\r\n')).toEqual([['line\r\nbreak', 'x']]);
  });

  it('gives each record the line it starts on and skips blank lines', () => {
    const records = parseCsv('h1,h2\r\n"multi\r\nline",x\r\n\r\n,\r\nlast,y');
    expect(records).toEqual([
      { line: 1, fields: ['h1', 'h2'] },
      { line: 2, fields: ['multi\r\nline', 'x'] },
      { line: 6, fields: ['last', 'y'] },
    ]);
  });

  it('keeps a quote inside an unquoted value, and allows spaces after a closing quote', () => {
    expect(fields('6" ruler,"quoted"  ,x')).toEqual([['6" ruler', 'quoted', 'x']]);
  });

  it('reports an unclosed quote and text after a closing quote with their lines', () => {
    expect(() => parseCsv('a,b\n"open,c\nd')).toThrow(expect.objectContaining({ line: 2, message: expect.stringContaining('not closed') }));
    expect(() => parseCsv('a\n\n"x"y')).toThrow(expect.objectContaining({ line: 3, message: expect.stringContaining('after a closing quote') }));
    expect(() => parseCsv('"x"y')).toThrow(CsvError);
  });

  it('gives the record after a value with line breaks in it its own line, whatever the line ends', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const text = ['h1,h2', '"two', 'lines",x', 'next,y', '"three', '', 'lines",z', 'last,w'].join(eol);
      expect(parseCsv(text).map((r) => r.line), JSON.stringify(eol)).toEqual([1, 2, 4, 5, 8]);
    }
  });

  it('says in words which line an unclosed quote or text after a closing quote is on, after values with line breaks', () => {
    const before = 'h1,h2\r\n"two\r\nlines",x\r\nok,y\r\n';
    const error = (text: string) => {
      try {
        parseCsv(text);
      } catch (e) {
        return e;
      }
    };
    const unclosed = error(`${before}"open,z\r\nnever\r\nclosed\r\n`);
    expect(unclosed).toBeInstanceOf(CsvError);
    expect(unclosed).toMatchObject({ line: 5, message: 'a quoted value is not closed; check for a missing "' });
    const afterQuote = error(`${before}"x" y,z\r\n`);
    expect(afterQuote).toBeInstanceOf(CsvError);
    expect(afterQuote).toMatchObject({ line: 5, message: 'there is text after a closing quote; put the whole value in quotes, and write a quote inside it as ""' });
  });

  it('reads back whatever a spreadsheet would write', () => {
    const value = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', 'é', ';') });
    const quote = (v: string) => (/[",\r\n]/.test(v) || v.startsWith(' ') || v.endsWith(' ') ? `"${v.replace(/"/g, '""')}"` : v);
    fc.assert(
      fc.property(fc.array(fc.array(value, { minLength: 1, maxLength: 5 }), { maxLength: 6 }), fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        const text = rows.map((r) => r.map(quote).join(',')).join(eol);
        expect(fields(text)).toEqual(rows.filter((r) => r.some((f) => f !== '')));
      }),
    );
  });
});

describe('readCsvTable', () => {
  const spec = { required: ['name', 'email', 'job_title'], optional: ['roles'] };

  it('matches columns in any order and case, trims values and fills missing trailing ones', () => {
    const table = readCsvTable('EMAIL, Job Title ,Name,roles\n jo@x.example ,Nurse,Jo\n', spec);
    expect(table.rows).toEqual([{ line: 2, values: { email: 'jo@x.example', job_title: 'Nurse', name: 'Jo', roles: '' } }]);
    expect(table.problems).toEqual([]);
  });

  it('reads a file with a BOM before a quoted heading, CRLF line ends and values with line breaks, numbering each row by its first line', () => {
    const table = readCsvTable('\uFEFF"Name",Email,Job title\r\n"Jo\r\nSmith",jo@x.example,"Nurse,\r\nlead"\r\nSam,sam@x.example,Nurse,extra\r\n', spec);
    expect(table.rows).toEqual([
      { line: 2, values: { name: 'Jo\r\nSmith', email: 'jo@x.example', job_title: 'Nurse,\r\nlead' } },
      { line: 5, values: { name: 'Sam', email: 'sam@x.example', job_title: 'Nurse' } },
    ]);
    expect(table.problems).toEqual([{ line: 5, message: expect.stringContaining('has 4 values but the header has 3 columns') }]);
  });

  it('reports a row with more values than columns', () => {
    const table = readCsvTable('name,email,job_title\nJo,jo@x.example,Nurse,extra\n', spec);
    expect(table.problems).toEqual([{ line: 2, message: expect.stringContaining('has 4 values but the header has 3 columns') }]);
  });

  it('refuses an empty file and a header with missing, repeated or unknown columns', () => {
    expect(() => readCsvTable('\uFEFF\r\n', spec)).toThrow('the file is empty');
    expect(() => readCsvTable('name,email\n', spec)).toThrow("the header is missing these columns: 'job_title'");
    expect(() => readCsvTable('name,email,job_title,Email\n', spec)).toThrow("appear more than once in the header: 'email'");
    expect(() => readCsvTable('name,email,job_title,team\n', spec)).toThrow("columns this import does not know: 'team'");
    expect(readCsvTable('name,email,job_title,team\nJo,j@x.example,Nurse,A\n', { ...spec, allowOtherColumns: true }).rows[0].values.team).toBe('A');
  });
});
