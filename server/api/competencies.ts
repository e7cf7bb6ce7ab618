import { z } from 'zod';
import { COMPETENCY_STATUSES, EVIDENCE_KINDS, frameworkOverview, myCompetencyProfile, type CompetencyProfile } from '../competencies/service';
import { notFound } from '../shared/errors';
import { personalScope, scope } from '../http/context';
import { apiGet } from './operation';
import { Competency, named, WorkforceGroup, WorkforceGroupRef } from './schemas';

// The competency API: the token holder's own profile, and the current version of the
// partnership's framework. The framework is public, like the prospectus it shapes and the
// workforce groups people register with: partner organisations read it to plan their
// workforce's learning. The competencies service holds the rules.

const day = (what: string) => z.iso.date().describe(`${what}, a London calendar day`);
const courseRef = z.strictObject({ id: z.uuid(), title: z.string() });

export const CompetencyEvidence = named(
  'CompetencyEvidence',
  z.strictObject({
    kind: z.enum(EVIDENCE_KINDS),
    shows: z.enum(['learning', 'application']).describe('Learning: a course come to with the day’s feedback, or e-learning. Application: the three-month surveys, or a manager’s confirmation'),
    on: day('The day it counts from'),
    course: courseRef.nullable().describe('The course it came from; null for a manager’s confirmation'),
    detail: z.string().describe('What it is, in words'),
  }),
);

export const CompetencyStanding = named(
  'CompetencyStanding',
  Competency.extend({
    refreshMonths: z.int().describe('Months before evidence is due for refresh: the competency’s own, else the framework’s default'),
    status: z.enum(COMPETENCY_STATUSES),
    since: day('When the present status began').nullable().describe('When the present status began, a London calendar day; null when not started'),
    refreshDue: day('When the latest learning is due for refresh').nullable().describe('When the latest learning is (or was) due for refresh; null when not started'),
    evidence: z.array(CompetencyEvidence).describe('Evidence that counts for it, newest first, including evidence under earlier framework versions of the competency'),
  }),
);

export const CompetencyProfileSchema = named(
  'CompetencyProfile',
  z.strictObject({
    asOf: day('The day the statuses are for'),
    framework: z.strictObject({ id: z.uuid(), version: z.int(), title: z.string(), defaultRefreshMonths: z.int() }).nullable(),
    workforceGroup: WorkforceGroupRef.nullable().describe('The token holder’s group in the current framework; null with the reason in groupMissing'),
    groupMissing: z.enum(['not set', 'not in the current framework']).nullable(),
    competencies: z.array(CompetencyStanding).describe('The competencies the group requires, by code; empty without a group'),
  }),
);

export const CompetencyFrameworkSchema = named(
  'CompetencyFramework',
  z
    .strictObject({
      id: z.uuid(),
      version: z.int(),
      title: z.string(),
      defaultRefreshMonths: z.int().describe('Months before evidence of a competency is due for refresh, unless the competency says otherwise'),
      workforceGroups: z.array(WorkforceGroup).describe('In order'),
      competencies: z
        .array(
          Competency.extend({
            refreshMonths: z.int().describe('Its own refresh period, else the framework’s default'),
            requiredFor: z.array(WorkforceGroupRef).describe('The workforce groups that require it, in order'),
            courses: z.array(courseRef).describe('Courses of the current published prospectus that develop it, by title'),
          }),
        )
        .describe('By code'),
    })
    .describe('The current version of the partnership’s safeguarding competency framework'),
);

function profileOut(p: CompetencyProfile): z.output<typeof CompetencyProfileSchema> {
  return {
    asOf: p.asOf,
    framework: p.framework,
    workforceGroup: p.workforceGroup,
    groupMissing: p.groupMissing,
    competencies: p.competencies.map((c) => ({
      id: c.id,
      code: c.code,
      domain: c.domain,
      statement: c.statement,
      refreshMonths: c.refreshMonths,
      status: c.status,
      since: c.since,
      refreshDue: c.refreshDue,
      evidence: c.evidence.map(({ kind, shows, on, course, detail }) => ({ kind, shows, on, course, detail })),
    })),
  };
}

export const competencyOperations = [
  apiGet(
    '/api/v1/me/competencies',
    'signed-in',
    {
      operationId: 'getMyCompetencies',
      tag: 'Competencies',
      summary: 'The token holder’s competency profile: each competency their workforce group requires, its status, dates and evidence',
      description:
        'Learned: a course come to with the day’s feedback, or e-learning, that develops it. Applied: learned, and the three-month survey, the line manager’s survey or a manager’s confirmation shows it in practice. Due for refresh: the latest learning is older than the refresh period; only new learning clears it. See docs/decisions/0010-competency-status-rules.md.',
      response: CompetencyProfileSchema,
    },
    async (c) => profileOut(await myCompetencyProfile(personalScope(c))),
  ),
  apiGet(
    '/api/v1/competency-framework',
    'public',
    {
      operationId: 'getCompetencyFramework',
      tag: 'Competencies',
      summary: 'The current version of the competency framework: workforce groups, competencies with the groups that require them and their refresh periods, and the courses that develop them',
      response: CompetencyFrameworkSchema,
      notFound: 'The partnership has no competency framework yet',
    },
    async (c) => {
      const overview = await frameworkOverview(scope(c));
      if (!overview) throw notFound('Competency framework');
      const { framework, workforceGroups, competencies } = overview;
      return { id: framework.id, version: framework.version, title: framework.title, defaultRefreshMonths: framework.defaultRefreshMonths, workforceGroups, competencies };
    },
  ),
];
