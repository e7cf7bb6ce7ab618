// The coordinator's reports and imports on the API: e-learning completions from the provider's
// CSV, non-attendance and the charges to invoice. The same services as the pages.
import { z } from 'zod';
import { SECTORS, type Role } from '../../db/schema';
import { nonAttendance, reportRange, type ChargesList, type Counts, type NonAttendanceReport, type ReportRange } from '../attendance/non-attendance';
import { rangeQuery } from '../attendance/schemas';
import { importCompletions, MAX_UPLOAD_BYTES } from '../elearning/service';
import { scope, type AppContext } from '../http/context';
import { apiGet, apiPost, type Operation } from './operation';
import { apiSchemas } from './schemas';

const COORDINATOR: Role[] = ['coordinator'];

const named = <T extends z.ZodType>(id: string, schema: T): T => {
  apiSchemas.add(schema, { id });
  return schema;
};
const instant = z.iso.datetime().describe('An instant, ISO 8601 in UTC');
const count = z.int().min(0);
const pence = z.int().min(0).describe('An amount in pence');

// ---- E-learning completions --------------------------------------------------------------

export const ELearningImportResult = named(
  'ELearningImportResult',
  z.strictObject({
    rows: count.describe('Data rows in the file, not counting the header'),
    imported: count.describe('Completions recorded by this import'),
    alreadyRecorded: count.describe('Rows whose completion (person, course and date) was already recorded; none is recorded twice'),
    unmatched: z.array(z.strictObject({ line: z.int(), email: z.string() })).describe('Good rows whose email has no account in the partnership, by line'),
    skipped: z.array(z.strictObject({ line: z.int(), message: z.string() })).describe('Problems with rows that were not imported (unknown or non-e-learning course, bad or future date, missing email), by line'),
  }),
);

const importRequest = z.strictObject({
  csv: z.string('Send the CSV file’s contents as a string').min(1, 'Send the CSV file’s contents').describe('The e-learning provider’s CSV file, as text'),
});

async function runImport(c: AppContext, csvText: string): Promise<z.output<typeof ELearningImportResult>> {
  return importCompletions(scope(c), csvText);
}

const importAsJson = apiPost(
  '/api/v1/e-learning/completions',
  COORDINATOR,
  {
    operationId: 'importELearningCompletions',
    tag: 'People',
    summary: 'Import e-learning completions from the provider’s CSV',
    description:
      'Send {"csv": "..."} as JSON, or the file itself with content-type text/csv. The CSV has a header row with the columns email, course (an e-learning course’s title or id) and completed (YYYY-MM-DD or DD/MM/YYYY); other columns are ignored. Good rows are imported even when others are not; each skipped row is reported by line. Importing the same file again adds nothing twice. See docs/e-learning-import.md.',
    body: importRequest,
    response: ELearningImportResult,
    unprocessable: 'The file as a whole cannot be read (empty, a header without a required column, a quote not closed, or larger than 5 MB); nothing is imported',
  },
  async (c, _params, body) => runImport(c, body.csv),
);

const sendsCsv = (c: AppContext) => c.req.header('content-type')?.split(';')[0].trim().toLowerCase() === 'text/csv';

/** The JSON operation, also taking the file itself as text/csv. */
const importOperation: Operation = {
  ...importAsJson,
  route: {
    ...importAsJson.route,
    handler: async (c, next) => (sendsCsv(c) ? c.json(await runImport(c, await c.req.text())) : importAsJson.route.handler(c, next)),
    bodyLimit: MAX_UPLOAD_BYTES,
  },
};

// ---- Non-attendance and charges ------------------------------------------------------------

const rangeFields = { from: z.iso.date().describe('The first London date of sessions included'), to: z.iso.date().describe('The last London date of sessions included') };

const countFields = {
  places: count.describe('Bookings that held a place at the session, marked or not'),
  attended: count,
  partlyAttended: count,
  didNotAttend: count,
  notMarked: count.describe('Places held whose attendance has not been recorded'),
  lateCancellations: count,
  nonAttendanceRate: z.number().min(0).max(1).nullable().describe('(didNotAttend + lateCancellations) / (places + lateCancellations); null when there are no bookings'),
};
const countsOut = (x: Counts) => ({
  places: x.places,
  attended: x.attended,
  partlyAttended: x.partlyAttended,
  didNotAttend: x.didNotAttend,
  notMarked: x.notMarked,
  lateCancellations: x.lateCancellations,
  nonAttendanceRate: x.nonAttendanceRate,
});

const sector = z.enum(SECTORS);

export const NonAttendanceReportSchema = named(
  'NonAttendanceReport',
  z
    .strictObject({
      ...rangeFields,
      totals: z.strictObject(countFields),
      organisations: z.array(z.strictObject({ id: z.uuid(), name: z.string(), sector, ...countFields })).describe('Organisations (of the people booked) with a booking counted, by name'),
      sessions: z
        .array(
          z.strictObject({
            id: z.uuid(),
            courseId: z.uuid(),
            courseTitle: z.string(),
            startsAt: instant,
            capacity: count,
            didNotAttend: count,
            lateCancellations: count,
          }),
        )
        .describe('Sessions with anyone who did not attend or cancelled late, by date'),
    })
    .describe('Sessions that started in the dates and have started by now; cancelled sessions are left out'),
);
const reportOut = (r: NonAttendanceReport): z.output<typeof NonAttendanceReportSchema> => ({
  ...r.range,
  totals: countsOut(r.totals),
  organisations: r.organisations.map((o) => ({ id: o.id, name: o.name, sector: o.sector, ...countsOut(o) })),
  sessions: r.sessions.map((x) => ({ ...x, startsAt: x.startsAt.toISOString() })),
});

export const ChargesSchema = named(
  'NonAttendanceCharges',
  z
    .strictObject({
      ...rangeFields,
      policy: z.strictObject({
        halfDayPence: pence.describe('Charged for a course of up to 4 hours'),
        fullDayPence: pence.describe('Charged for a longer course'),
        exemptSectors: z.array(sector).describe('Organisations in these sectors are never charged'),
      }),
      charging: z.boolean().describe('False when both amounts are 0: then nothing is charged'),
      organisations: z.array(
        z.strictObject({
          id: z.uuid(),
          name: z.string(),
          sector,
          totalPence: pence,
          charges: z.array(
            z.strictObject({
              bookingId: z.uuid(),
              personName: z.string(),
              email: z.string(),
              courseTitle: z.string(),
              sessionId: z.uuid(),
              startsAt: instant,
              durationMinutes: count,
              amountPence: pence,
            }),
          ),
        }),
      ),
      totalPence: pence,
    })
    .describe('Each booking marked did not attend, at the half-day or full-day amount; late cancellations are not charged'),
);
const chargesOut = (list: ChargesList): z.output<typeof ChargesSchema> => ({
  ...list.range,
  policy: list.policy,
  charging: list.charging,
  organisations: list.organisations.map((o) => ({ ...o, charges: o.charges.map((x) => ({ ...x, startsAt: x.startsAt.toISOString() })) })),
  totalPence: list.totalPence,
});

const forRange = async (c: AppContext, given: Partial<ReportRange>) => {
  const s = scope(c);
  return nonAttendance(s, await reportRange(s, given));
};

/** The one refusal of well-formed dates: a single date given that falls after the default other end. */
const RANGE_BEYOND_YEAR = 'The last date is before the first: both given so, or one given on the wrong side of the current prospectus year, which the other date defaults to';

export const reportOperations: Operation[] = [
  importOperation,
  apiGet(
    '/api/v1/reports/non-attendance',
    COORDINATOR,
    {
      operationId: 'getNonAttendanceReport',
      tag: 'Bookings',
      summary: 'Did not attend and late cancellations, by organisation and by session',
      query: rangeQuery,
      response: NonAttendanceReportSchema,
      unprocessable: RANGE_BEYOND_YEAR,
    },
    async (c, _params, range) => reportOut((await forRange(c, range)).report),
  ),
  apiGet(
    '/api/v1/reports/charges',
    COORDINATOR,
    {
      operationId: 'getNonAttendanceCharges',
      tag: 'Bookings',
      summary: 'The non-attendance charges to invoice, by organisation',
      query: rangeQuery,
      response: ChargesSchema,
      unprocessable: RANGE_BEYOND_YEAR,
    },
    async (c, _params, range) => chargesOut((await forRange(c, range)).charges),
  ),
];
