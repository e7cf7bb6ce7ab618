import { z } from 'zod';
import { SECTORS } from '../../db/schema';
import { gapMap, learningNeeds, type Figure as FigureValue, type Share as ShareValue, type StatusFigures } from '../competencies/needs';
import { notFound } from '../shared/errors';
import { personalScope } from '../http/context';
import { apiGet } from './operation';
import { named } from './schemas';

// The learning-needs API: an organisation's analysis and the partnership's gap map, figures only.
// Names of people are left out of the API altogether, even for the organisation's lead, who sees
// them on the page: an integration has no need of them, and one rule is easier to keep.
// The competencies' needs service holds the rules and the suppression.

const day = (what: string) => z.iso.date().describe(`${what}, a London calendar day`);

export const SuppressedFigure = named(
  'SuppressedFigure',
  z
    .strictObject({ suppressed: z.literal(true) })
    .describe('Not given: it counts fewer than 5 people, or, with the other figures given, it would let one that does be worked out'),
);
const Count = z.union([z.strictObject({ count: z.int().min(0) }), SuppressedFigure]).describe('A number of people, or suppressed');
export const ShareSchema = named(
  'Share',
  z
    .union([
      z.strictObject({
        count: z.int().min(0),
        of: z.int().min(5),
        value: z.number().describe('count ÷ of, 0 to 1'),
        low: z.number().describe('The Wilson 95% interval’s lower end'),
        high: z.number().describe('Its upper end'),
      }),
      SuppressedFigure,
    ])
    .nullable()
    .describe('The share of the people needing the competency who meet it (learned or applied), with its count and denominator; suppressed; or null when nobody there needs it'),
);
const competency = { id: z.uuid(), code: z.string(), domain: z.string(), statement: z.string(), requiredBy: z.array(z.string()).describe('Codes of the workforce groups that require it') };
const Status = z.strictObject({ meets: ShareSchema, dueForRefresh: Count, notStarted: Count });
const frameworkRef = z.strictObject({ id: z.uuid(), version: z.int(), title: z.string(), defaultRefreshMonths: z.int() });
const organisationRef = z.strictObject({ id: z.uuid(), name: z.string(), sector: z.enum(SECTORS) });

export const LearningNeedsSchema = named(
  'LearningNeeds',
  z.strictObject({
    organisation: organisationRef,
    framework: frameworkRef,
    asOf: day('The day of the figures'),
    yearEarlier: day('The day a year earlier the yearEarlier figures are for'),
    people: Count,
    groups: z.array(z.strictObject({ code: z.string(), name: z.string(), people: Count })).describe('The current framework’s workforce groups, in order'),
    notInFramework: Count.describe('People with no workforce group, or one the current framework does not have'),
    noLearning: z.strictObject({ now: Count, yearEarlier: Count }).describe('People with no learning (a course with its feedback, or e-learning) in the framework’s refresh period up to the day'),
    competencies: z
      .array(z.strictObject({ ...competency, required: Count.describe('People whose group requires it'), now: Status, yearEarlier: Status.describe('Today’s people, with the evidence there was a year earlier') }))
      .describe('The competencies the organisation’s people need, by code'),
  }),
);

export const GapMapSchema = named(
  'GapMap',
  z.strictObject({
    framework: frameworkRef,
    asOf: day('The day of the figures'),
    sectors: z.array(z.enum(SECTORS)).describe('Sectors with people, in order; bySector follows it'),
    organisations: z.array(organisationRef).describe('Organisations with people, by name; byOrganisation follows it'),
    competencies: z
      .array(
        z.strictObject({
          ...competency,
          developedBy: z.array(z.strictObject({ id: z.uuid(), title: z.string(), prospectus: z.string() })).describe('Courses of the current published prospectus or a draft one, not withdrawn, that develop it or a version it continues'),
          uncovered: z.boolean().describe('True when no such course develops it'),
          all: ShareSchema,
          bySector: z.array(ShareSchema),
          byOrganisation: z.array(ShareSchema),
        }),
      )
      .describe('Each competency some workforce group requires, by code'),
  }),
);

/** The API gives no reason for a suppressed figure: `{ suppressed: true }` and nothing else. */
const count = (f: FigureValue) => ('suppressed' in f ? { suppressed: true as const } : f);
const share = (f: ShareValue) => (f && 'suppressed' in f ? { suppressed: true as const } : f);
const status = (f: StatusFigures) => ({ meets: share(f.meets), dueForRefresh: count(f.dueForRefresh), notStarted: count(f.notStarted) });

export const learningNeedsOperations = [
  apiGet(
    '/api/v1/organisations/:organisationId/learning-needs',
    ['organisation lead', 'coordinator', 'reviewer'],
    {
      operationId: 'getLearningNeeds',
      tag: 'Learning needs',
      summary: 'An organisation’s learning-needs analysis: its people by workforce group and, for each competency they need, how many meet it, are due for refresh and have not started, today and a year earlier',
      description:
        'For the organisation’s lead, coordinators and reviewers. Figures only: no names of people, for anyone. Any figure for fewer than 5 people, or that would let one be worked out from the others (here or in the gap map), is `{ suppressed: true }`. See docs/decisions/0012-small-numbers-suppressed.md.',
      params: z.object({ organisationId: z.uuid() }),
      response: LearningNeedsSchema,
      forbidden: 'the token holder is an organisation lead of another organisation',
      notFound: 'There is no such organisation, or the partnership has no competency framework yet',
    },
    async (c, { organisationId }) => {
      const needs = await learningNeeds(personalScope(c), organisationId);
      if (!needs) throw notFound('Competency framework');
      return {
        organisation: needs.organisation,
        framework: needs.framework,
        asOf: needs.asOf,
        yearEarlier: needs.yearEarlier,
        people: count(needs.people),
        groups: needs.groups.map((g) => ({ ...g, people: count(g.people) })),
        notInFramework: count(needs.notInFramework),
        noLearning: { now: count(needs.noLearning.now), yearEarlier: count(needs.noLearning.yearEarlier) },
        competencies: needs.competencies.map((x) => ({ id: x.id, code: x.code, domain: x.domain, statement: x.statement, requiredBy: x.requiredBy, required: count(x.required), now: status(x.now), yearEarlier: status(x.yearEarlier) })),
      };
    },
  ),
  apiGet(
    '/api/v1/learning-needs',
    ['coordinator', 'reviewer'],
    {
      operationId: 'getGapMap',
      tag: 'Learning needs',
      summary: 'The partnership’s gap map: for each competency, the share of the people needing it who meet it, across the partnership, by sector and by organisation, and whether any course on offer develops it',
      description: 'Figures only, never names. Suppressed figures are `{ suppressed: true }`, as in the learning-needs analysis. See docs/decisions/0012-small-numbers-suppressed.md.',
      response: GapMapSchema,
      notFound: 'The partnership has no competency framework yet',
    },
    async (c) => {
      const map = await gapMap(personalScope(c));
      if (!map) throw notFound('Competency framework');
      return { ...map, competencies: map.competencies.map((x) => ({ ...x, all: share(x.all), bySector: x.bySector.map(share), byOrganisation: x.byOrganisation.map(share) })) };
    },
  ),
];
