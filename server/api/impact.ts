// The impact figures on the API, for the PPL group's own reporting: the same service and the same
// honest-number rules as the dashboard page. Rates and means come with their counts and intervals,
// or as { suppressed: true } when they are about fewer than 5 people, as are counts of 1 to 4 people.
import { z } from 'zod';
import { scope } from '../http/context';
import { impactApiQuery } from '../impact/schemas';
import { figuresWithCheck, IMPACT_READERS, impactRange, NON_RESPONSE_GAP } from '../impact/service';
import { apiGet } from './operation';
import { named } from './schemas';

const count = z.int().min(0);
const suppressed = z
  .strictObject({
    suppressed: z.literal(true),
    notShown: z.literal(true).optional().describe('Present where the figure is about 5 or more people but hidden so that one about fewer than 5 cannot be worked out from it'),
  })
  .describe('About fewer than 5 people (or hidden to protect such a figure), so not shown');
/** A count of people: 1 to 4 are { suppressed: true }. */
const people = z.union([z.int().min(0), suppressed]);
const unit = z.number().min(0).max(1);

export const RateSchema = named(
  'Rate',
  z
    .union([
      z.strictObject({ count, of: count, value: unit.describe('count ÷ of'), low: unit.describe('Wilson 95% interval, lower end'), high: unit.describe('Wilson 95% interval, upper end') }),
      suppressed,
    ])
    .describe('A proportion with its count, denominator and 95% Wilson interval, or suppressed'),
);

export const MeanSchema = named(
  'Mean',
  z.union([z.strictObject({ n: count, mean: z.number(), low: z.number().describe('95% interval (Student’s t), lower end'), high: z.number().describe('95% interval, upper end') }), suppressed]).describe('A mean with its n and 95% interval, or suppressed'),
);

export const ImpactSchema = named(
  'Impact',
  z.strictObject({
    from: z.iso.date().describe('The first London day included'),
    to: z.iso.date().describe('The London day after the last (not included)'),
    delivery: z.strictObject({
      courses: count.describe('Courses with at least one session delivered'),
      sessionsDelivered: count,
      sessionsCancelled: count,
      trainingHours: z.number().min(0).describe('The length of every session delivered, added up'),
      placesOffered: count.describe('Places at the sessions delivered'),
      bookings: people.describe('Requests for a place, the waiting list and later cancellations included, walk-ins not'),
      attendances: people.describe('Attended or partly attended, walk-ins included'),
      didNotAttend: people,
      lateCancellations: people,
      walkIns: people,
      eLearningCompletions: people.describe('Completed in the period'),
      peopleTrained: people.describe('Different people who came to a session or completed e-learning'),
      organisationsReached: count,
      sectorsReached: count,
      takeUp: RateSchema.describe('Attendances of people who had a place ÷ places offered'),
      attendanceRate: RateSchema.describe('Attendances of people who had a place ÷ places confirmed when the session started'),
    }),
    dayZero: z.strictObject({
      responses: people.describe('Feedback given on the day'),
      responseRate: RateSchema.describe('Feedback given ÷ attendances'),
      outcomesMet: MeanSchema.describe('Each person’s average over the course’s outcomes, 1 to 4'),
      relevance: MeanSchema.describe('1 to 5'),
      delivery: MeanSchema.describe('1 to 5'),
      confidenceBefore: MeanSchema.describe('1 to 10'),
      confidenceAfter: MeanSchema.describe('1 to 10'),
      confidenceChange: MeanSchema.describe('After minus before, for each person'),
    }),
    followUp: z.strictObject({
      sent: people,
      answered: people,
      responseRate: RateSchema.describe('Answered ÷ sent (still-open surveys included)'),
      practiceChanged: RateSchema.describe('Said yes ÷ answered'),
      outcomeImproved: RateSchema.describe('Said a child’s or family’s outcome is better ÷ those who answered the question, leaving out “not applicable”'),
      sharedLearning: RateSchema.describe('Said yes ÷ answered'),
      confidenceNow: MeanSchema.describe('1 to 10'),
      confidenceHeld: MeanSchema.describe('Confidence now minus confidence after the course, for each person who gave both'),
      selfAssessments: z.strictObject({ rated: count.describe('Competencies rated, across the answers'), confident: RateSchema, developing: RateSchema, notYet: RateSchema }),
    }),
    managers: z.strictObject({ sent: people, answered: people, responseRate: RateSchema, seenChange: RateSchema.describe('Said yes ÷ answered') }),
    nonResponse: z
      .array(
        z.strictObject({
          by: z.enum(['sector', 'workforce group']),
          group: z.string(),
          sent: count.nullable().describe('Null where suppressed'),
          answered: count.nullable().describe('Null where suppressed'),
          responseRate: RateSchema,
          warning: z.string().nullable().describe(`In words, when the group’s response rate differs from the overall by more than ${NON_RESPONSE_GAP * 100} points`),
        }),
      )
      .describe('Those who answered the three-month survey beside everyone it was sent to'),
  }),
);

export const impactOperations = [
  apiGet(
    '/api/v1/impact',
    IMPACT_READERS,
    {
      operationId: 'getImpact',
      tag: 'Impact',
      summary: 'What the training delivered and what it changed, for a period and filters, with honest numbers',
      description:
        'A session belongs to the period by the London day it starts; `to` is not included. Without dates, the prospectus year given by `year`, or the current one. The sector, organisation and workforce group filters narrow the people counted, never the sessions. Rates and means about fewer than 5 people are { "suppressed": true }.',
      query: impactApiQuery,
      response: ImpactSchema,
      unprocessable: 'Only one of from and to, a period that ends before it starts, or a year with no prospectus',
    },
    async (c, _params, { year, from, to, ...filters }) => {
      const s = scope(c);
      const range = await impactRange(s, { year, from, to });
      const { figures, check } = await figuresWithCheck(s, range, filters);
      return { from: range.from, to: range.to, delivery: figures.delivery, dayZero: figures.dayZero, followUp: figures.followUp, managers: figures.managers, nonResponse: check.rows };
    },
  ),
];
