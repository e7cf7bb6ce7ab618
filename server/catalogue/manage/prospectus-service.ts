// The coordinator's rules for a prospectus: its year, its dates and publishing it. Every
// read and write is scoped to the context's partnership; another partnership's prospectus is
// "not found". Every write is one transaction with its audit entry.
import { and, count, desc, eq, getTableColumns, ne } from 'drizzle-orm';
import type { Executor } from '../../../db/database';
import { courses, prospectuses, sessions } from '../../../db/schema';
import { yearContaining, yearStarting } from '../../shared/dates';
import { conflict, isUniqueViolation, notFound } from '../../shared/errors';
import type { ServiceContext } from '../../shared/context';
import type { ProspectusInput } from '../schemas';
import type { Prospectus } from '../service';
import { auditChange } from '../../audit/log';

const yearTaken = (year: string) => conflict(`There is already a prospectus for ${year}`, { year: `There is already a prospectus for ${year}` });

/** The unique index decides, so two coordinators saving the same year at once get a message, not a 500. */
async function withUniqueYear<T>(year: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error)) throw yearTaken(year);
    throw error;
  }
}

/** An imported past year changes only by importing its records again (server/history). */
export function refuseImported(p: Pick<Prospectus, 'year' | 'importedAt'>) {
  if (p.importedAt) throw conflict(`${p.year} was imported from the partnership’s past records: it changes only when its records are imported again`);
}

export async function listProspectusesWithCounts(s: ServiceContext) {
  return s.db
    .select({ ...getTableColumns(prospectuses), courseCount: count(courses.id) })
    .from(prospectuses)
    .leftJoin(courses, and(eq(courses.prospectusId, prospectuses.id), eq(courses.withdrawn, false)))
    .where(eq(prospectuses.partnershipId, s.partnership.id))
    .groupBy(prospectuses.id)
    .orderBy(desc(prospectuses.startsOn));
}

export async function getProspectus(s: ServiceContext, id: string): Promise<Prospectus> {
  const [p] = await s.db.select().from(prospectuses).where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id)));
  if (!p) throw notFound('Prospectus');
  return p;
}

/** The year after the latest prospectus (or the current one), as the partnership's year runs: "2027-28", 1 April to 31 March. */
export async function nextProspectusYear(s: ServiceContext) {
  const startMonth = s.partnership.yearStartMonth;
  const [latest] = await s.db.select({ year: prospectuses.year }).from(prospectuses).where(eq(prospectuses.partnershipId, s.partnership.id)).orderBy(desc(prospectuses.year)).limit(1);
  const { label, startsOn, endsOn } = latest ? yearStarting(Number(latest.year.slice(0, 4)) + 1, startMonth) : yearContaining(s.clock.now(), startMonth);
  return { year: label, startsOn, endsOn };
}

export async function createProspectus(s: ServiceContext, input: ProspectusInput): Promise<Prospectus> {
  return withUniqueYear(input.year, () =>
    s.db.transaction(async (tx) => {
      const [p] = await tx.insert(prospectuses).values({ partnershipId: s.partnership.id, ...input, status: 'draft' }).returning();
      await auditChange(tx, s, 'prospectus.created', 'prospectus', p.id, input);
      return p;
    }),
  );
}

export async function updateProspectus(s: ServiceContext, id: string, input: ProspectusInput): Promise<Prospectus> {
  refuseImported(await getProspectus(s, id));
  return withUniqueYear(input.year, () =>
    s.db.transaction(async (tx) => {
      const [p] = await tx.update(prospectuses).set(input).where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id))).returning();
      await auditChange(tx, s, 'prospectus.updated', 'prospectus', id, input);
      return p;
    }),
  );
}

/** Dates a year-end review proposed that the coordinator has not confirmed yet. */
export async function proposedSessionCount(s: ServiceContext, prospectusId: string, db: Executor = s.db): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(sessions)
    .innerJoin(courses, eq(courses.id, sessions.courseId))
    .where(and(eq(courses.prospectusId, prospectusId), eq(sessions.partnershipId, s.partnership.id), eq(sessions.proposed, true), ne(sessions.status, 'cancelled')));
  return row.n;
}

/** Publishing makes a draft visible to everyone; not while a date the review proposed is unconfirmed. Publishing twice changes nothing. */
export async function publishProspectus(s: ServiceContext, id: string): Promise<{ published: boolean }> {
  await getProspectus(s, id);
  return s.db.transaction(async (tx) => {
    const proposed = await proposedSessionCount(s, id, tx);
    if (proposed) throw conflict(`Confirm or cancel the ${proposed === 1 ? 'date' : `${proposed} dates`} proposed from last year’s review before publishing`);
    const [p] = await tx
      .update(prospectuses)
      .set({ status: 'published', publishedAt: s.clock.now() })
      .where(and(eq(prospectuses.id, id), eq(prospectuses.partnershipId, s.partnership.id), eq(prospectuses.status, 'draft')))
      .returning({ id: prospectuses.id, year: prospectuses.year });
    if (p) await auditChange(tx, s, 'prospectus.published', 'prospectus', id, { year: p.year });
    return { published: Boolean(p) };
  });
}
