// The partnership a deployment serves, set up from the built-in reference data
// (db/reference-data.ts): its row, its partner organisations, its competency framework and the
// themes its PPL group codes the three-month answers with. What
// `npm run admin -- init` does, and the first thing the demo seed does. Each part is made only when
// it is missing, so running it again changes nothing, and a run that stopped half way is finished
// by the next.
import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import * as ref from '../../db/reference-data';
import { competencies, competencyFrameworks, competencyRequirements, partnerships, workforceGroups } from '../../db/schema';
import { ensureDefaultAnswerThemes } from '../impact/answers';
import { createOrganisation, listOrganisations, organisationInput } from '../organisations/service';
import { systemClock, type Clock } from '../shared/clock';
import { configFrom, parseEnvironment } from '../shared/config';
import type { Partnership, ServiceContext } from '../shared/context';

/** Competency statements in the shape partnerships publish: domains, each needed from a group up. */
export const COMPETENCIES: { code: string; domain: string; statement: string; fromGroup: number }[] = [
  { code: 'A1', domain: 'Recognising harm', statement: 'Recognise the signs and indicators of abuse, neglect and exploitation', fromGroup: 1 },
  { code: 'A2', domain: 'Recognising harm', statement: 'Understand how parental domestic abuse, substance misuse and mental ill health affect children', fromGroup: 2 },
  { code: 'A3', domain: 'Recognising harm', statement: 'Recognise risks to children online and in the community (contextual safeguarding)', fromGroup: 2 },
  { code: 'B1', domain: 'Responding and referring', statement: 'Know what to do and who to tell when worried about a child', fromGroup: 1 },
  { code: 'B2', domain: 'Responding and referring', statement: 'Make a clear, evidence-based referral to children’s social care or early help', fromGroup: 2 },
  { code: 'C1', domain: 'Working together', statement: 'Share information lawfully and in good time with partner agencies', fromGroup: 2 },
  { code: 'C2', domain: 'Working together', statement: 'Contribute to multi-agency assessment, planning and review for a child', fromGroup: 3 },
  { code: 'C3', domain: 'Working together', statement: 'Work with families who are hard to engage, keeping the child at the centre', fromGroup: 3 },
  { code: 'D1', domain: 'Assessment', statement: 'Use assessment tools such as the Graded Care Profile to evidence neglect', fromGroup: 3 },
  { code: 'E1', domain: 'Leadership and safer workforce', statement: 'Apply safer recruitment practice and manage allegations against staff', fromGroup: 4 },
  { code: 'E2', domain: 'Leadership and safer workforce', statement: 'Give safeguarding supervision and advice to colleagues', fromGroup: 4 },
  { code: 'E3', domain: 'Leadership and safer workforce', statement: 'Lead an organisation’s safeguarding arrangements and learning culture', fromGroup: 5 },
];

/** Nothing here reads a setting: the services are given the defaults, as an empty environment gives them. */
export const DEFAULTS = configFrom(parseEnvironment({}), () => 'setting up signs nothing');

/**
 * The partnership, its organisations and its competency framework. The organisations are made
 * through the organisations service (checked and audited as a coordinator's would be); the
 * partnership row and the framework have no service yet, so they are written here directly.
 * `created` says whether anything was missing.
 */
export async function setUpPartnership(db: Database, clock: Clock = systemClock): Promise<{ partnership: Partnership; created: boolean }> {
  let created = false;
  const bySlug = () => db.select().from(partnerships).where(eq(partnerships.slug, ref.partnership.slug));
  let [partnership] = await bySlug();
  if (!partnership) {
    const [made] = await db.insert(partnerships).values({ ...ref.partnership }).onConflictDoNothing().returning();
    created = Boolean(made);
    // Another instance starting at the same moment may have made it first.
    partnership = made ?? (await bySlug())[0];
  }

  // The partnership itself acting, as the command lines and jobs do.
  const s: ServiceContext = { db, clock, config: DEFAULTS, partnership, actor: null };
  const existing = new Set((await listOrganisations(s)).map((o) => o.name.toLowerCase()));
  for (const organisation of ref.organisations) {
    if (existing.has(organisation.name.toLowerCase())) continue;
    await createOrganisation(s, organisationInput.parse({ ...organisation, active: 'yes' }));
    created = true;
  }

  const [framework] = await db
    .select({ id: competencyFrameworks.id })
    .from(competencyFrameworks)
    .where(and(eq(competencyFrameworks.partnershipId, partnership.id), eq(competencyFrameworks.current, true)));
  if (!framework) {
    await writeFramework(db, partnership.id, clock.now());
    created = true;
  }
  if (await ensureDefaultAnswerThemes(db, partnership.id)) created = true;
  return { partnership, created };
}

/** Version 1 of the framework: the workforce groups, the competencies and which groups need which. */
async function writeFramework(db: Database, partnershipId: string, publishedAt: Date) {
  await db.transaction(async (tx) => {
    const [framework] = await tx
      .insert(competencyFrameworks)
      .values({ partnershipId, version: 1, title: 'Partnership safeguarding competency framework', current: true, publishedAt })
      .returning({ id: competencyFrameworks.id });
    const groups = await tx
      .insert(workforceGroups)
      .values(ref.workforceGroups.map((g, i) => ({ partnershipId, frameworkId: framework.id, code: g.code, name: g.name, who: g.who, sortOrder: i + 1 })))
      .returning({ id: workforceGroups.id, code: workforceGroups.code });
    const comps = await tx
      .insert(competencies)
      .values(COMPETENCIES.map((c) => ({ partnershipId, frameworkId: framework.id, code: c.code, domain: c.domain, statement: c.statement })))
      .returning({ id: competencies.id, code: competencies.code });
    await tx.insert(competencyRequirements).values(
      COMPETENCIES.flatMap((c) => {
        const competencyId = comps.find((x) => x.code === c.code)!.id;
        return groups.filter((g) => Number(g.code) >= c.fromGroup).map((g) => ({ competencyId, workforceGroupId: g.id }));
      }),
    );
  });
}
