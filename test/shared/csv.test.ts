// The CSV writer that every export goes through: byte order mark, CRLF, quoting, and values a
// spreadsheet would run as formulas written as text, in the register and the charges to invoice.
import { describe, expect, it } from 'vitest';
import { chargesCsv, type ChargesList } from '../../server/attendance/non-attendance';
import { registerCsv } from '../../server/bookings/register-csv';
import type { SessionRegister } from '../../server/bookings/queries';
import { parseCsv, writeCsv } from '../../server/shared/csv';

/** Each value that would start a formula, and what a spreadsheet should be given instead. */
const FORMULAS = ['=1+1', '+44 114', '-2', '@SUM(A1)', '\tx', '\rx'];
const asText = (value: string) => `'${value}`;
const readBack = (csv: string) => parseCsv(csv).map((r) => r.fields);

describe('writeCsv', () => {
  it('writes a UTF-8 byte order mark, then every line ending in CRLF', () => {
    expect(writeCsv([['a', 'b'], ['1', '']])).toBe('\uFEFFa,b\r\n1,\r\n');
    expect([...new TextEncoder().encode(writeCsv([['é']]))]).toEqual([0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0x0d, 0x0a]);
  });

  it('quotes a value holding a comma, a quote, a CRLF or a lone CR or LF, and no other', () => {
    expect(writeCsv([['Smith, Jo', 'say "hi"', 'a\r\nb', 'a\nb', 'a\rb', ' padded', '']])).toBe('\uFEFF"Smith, Jo","say ""hi""","a\r\nb","a\nb","a\rb", padded,\r\n');
  });

  it('writes as text every value that would start a formula, in any row and column, and only those', () => {
    expect(readBack(writeCsv([FORMULAS, ['ok', ...FORMULAS]]))).toEqual([FORMULAS.map(asText), ['ok', ...FORMULAS.map(asText)]]);
    expect(readBack(writeCsv([['a=b', ' =x', '1-2', "'=x", '']]))).toEqual([['a=b', ' =x', '1-2', "'=x", '']]);
  });
});

describe('every CSV export', () => {
  it('writes the register with each person’s values that would start a formula as text', () => {
    const entry = (status: string, formula: string) => ({
      status,
      position: null,
      person: { name: formula, email: formula, organisation: { name: formula }, jobTitle: formula },
      bookedAt: new Date('2026-11-23T10:00:00Z'),
      cancelledAt: null,
      late: false,
    });
    const [f1, f2, f3, f4] = FORMULAS;
    const register = { confirmed: [entry('confirmed', f1)], pendingApproval: [entry('pending approval', f2)], waitingList: [entry('waitlisted', f3)], cancelled: [entry('cancelled', f4)] };
    const [, ...rows] = readBack(registerCsv(register as unknown as SessionRegister));
    expect(rows.map((r) => r.slice(2, 6))).toEqual([f1, f2, f3, f4].map((f) => Array(4).fill(asText(f))));
  });

  it('writes the charges to invoice with the organisation’s, person’s and course’s values that would start a formula as text', () => {
    const charges = FORMULAS.map((f) => ({ personName: f, email: f, courseTitle: f, startsAt: new Date('2026-10-06T09:00:00Z'), durationMinutes: 180, amountPence: 2500 }));
    const list = { organisations: [{ name: '=Org', charges }] };
    const [, ...rows] = readBack(chargesCsv(list as unknown as ChargesList));
    expect(rows).toEqual(FORMULAS.map((f) => ["'=Org", asText(f), asText(f), asText(f), '2026-10-06', '3 hours', '25.00']));
  });
});
