import { z } from 'zod';
import { DELIVERY_MODES } from '../../db/schema';
import { notFound } from '../shared/errors';
import { attendedCourse, findCertificate, learningRecord, type AttendedCourse } from '../feedback/queries';
import { feedbackInput, giveFeedback } from '../feedback/service';
import { personalScope, scope, type AppContext } from '../http/context';
import { apiGet, apiPost } from './operation';
import { apiSchemas, instant } from './schemas';

// The learning API: a person's record (courses attended, with where feedback and the
// certificate stand, and e-learning), the day's feedback, and the public check of a
// certificate's code. The feedback service holds the rules.

const viewer = (c: AppContext) => c.get('viewer')!;

export const AttendedCourseSchema = z.strictObject({
  bookingId: z.uuid(),
  status: z.enum(['attended', 'partly attended']),
  course: z.strictObject({ id: z.uuid(), title: z.string(), deliveryMode: z.enum(DELIVERY_MODES), durationMinutes: z.int() }),
  session: z.strictObject({ id: z.uuid(), startsAt: instant, endsAt: instant }),
  feedbackGiven: z.boolean(),
  certificate: z
    .strictObject({
      code: z.string().nullable().describe('The verification code; issued with feedback, or when the certificate is first opened'),
      url: z.url().describe('The certificate as a page, for the signed-in attendee'),
      pdfUrl: z.url().describe('The certificate as a PDF, for the signed-in attendee'),
    })
    .nullable()
    .describe('Null until the certificate is available: after feedback, where the partnership asks for feedback first'),
});
export const ELearningCompletion = z.strictObject({ courseId: z.uuid(), courseTitle: z.string(), completedOn: z.iso.date() });
export const Learning = z.strictObject({
  attended: z.array(AttendedCourseSchema).describe('Courses attended or partly attended, most recent first'),
  eLearning: z.array(ELearningCompletion).describe('E-learning completed, most recent first'),
});
export const VerifiedCertificate = z
  .strictObject({ name: z.string(), courseTitle: z.string(), startsAt: instant.describe('When the session started'), durationMinutes: z.int() })
  .describe('A genuine certificate: who, which course, when and how long, and nothing else');
apiSchemas.add(AttendedCourseSchema, { id: 'AttendedCourse' });
apiSchemas.add(ELearningCompletion, { id: 'ELearningCompletion' });
apiSchemas.add(Learning, { id: 'Learning' });
apiSchemas.add(VerifiedCertificate, { id: 'VerifiedCertificate' });

function attendedOut(a: AttendedCourse, baseUrl: string): z.output<typeof AttendedCourseSchema> {
  const page = `${baseUrl}/certificates/${a.bookingId}`;
  return {
    bookingId: a.bookingId,
    status: a.partial ? 'partly attended' : 'attended',
    course: a.course,
    session: { id: a.session.id, startsAt: a.session.startsAt.toISOString(), endsAt: a.session.endsAt.toISOString() },
    feedbackGiven: a.feedbackGiven,
    certificate: a.certificateAvailable ? { code: a.certificateCode, url: page, pdfUrl: `${page}/pdf` } : null,
  };
}

const { outcomesMet, relevance, delivery, confidenceBefore, confidenceAfter, willDoDifferently, comments } = feedbackInput.shape;
const feedbackRequest = z.strictObject({
  outcomesMet: outcomesMet.describe('For each of the course’s learning outcomes, in its order: 1 not met, 2 partly met, 3 mostly met, 4 fully met'),
  relevance: relevance.describe('Relevance to the person’s role, 1 (not relevant) to 5 (highly relevant)'),
  delivery: delivery.describe('Quality of delivery, 1 (poor) to 5 (excellent)'),
  confidenceBefore: confidenceBefore.describe('Confidence before the course, 1 to 10'),
  confidenceAfter: confidenceAfter.describe('Confidence after the course, 1 to 10'),
  willDoDifferently: willDoDifferently.describe('What the person will do differently; no names or details that could identify a child or family'),
  comments: comments.describe('Anything else; no names or details that could identify a child or family'),
});

const bookingParams = z.object({ bookingId: z.uuid() });
const codeParams = z.object({ code: z.string().describe('The verification code on the certificate, like ABCD-EFGH-JK; case and dashes do not matter') });

export const learningOperations = [
  apiGet(
    '/api/v1/learning',
    'signed-in',
    { operationId: 'getMyLearning', tag: 'Account', summary: 'The token holder’s learning: courses attended, with feedback and certificate, and e-learning completed', response: Learning },
    async (c) => {
      const s = scope(c);
      const { attended, eLearning } = await learningRecord(s, viewer(c).id);
      return { attended: attended.map((a) => attendedOut(a, s.config.baseUrl)), eLearning: eLearning.map(({ id: _, ...e }) => e) };
    },
  ),
  apiPost(
    '/api/v1/bookings/:bookingId/feedback',
    'signed-in',
    {
      operationId: 'giveFeedback',
      tag: 'Bookings',
      summary: 'Give feedback on a course the token holder attended',
      description: 'Once per attendance, by the attendee. Answers the attendance as GET /api/v1/learning lists it, with its certificate now available.',
      params: bookingParams,
      body: feedbackRequest,
      status: 201,
      response: AttendedCourseSchema,
      notFound: 'No booking with that id that you can see: another person’s booking is not found either',
      conflict: 'The attendance has not been recorded yet, or feedback has already been given',
      unprocessable: 'outcomesMet does not have one answer for each of the course’s learning outcomes',
    },
    async (c, { bookingId }, answers) => {
      const s = scope(c);
      await giveFeedback(personalScope(c), bookingId, answers);
      return attendedOut(await attendedCourse(s, viewer(c).id, bookingId), s.config.baseUrl);
    },
  ),
  apiGet(
    '/api/v1/verify/:code',
    'public',
    {
      operationId: 'verifyCertificate',
      tag: 'Bookings',
      summary: 'Check a certificate of attendance by its verification code',
      params: codeParams,
      response: VerifiedCertificate,
      notFound: 'No certificate has that code',
    },
    async (c, { code }) => {
      const found = await findCertificate(scope(c), code);
      if (!found) throw notFound('Certificate');
      return { ...found, startsAt: found.startsAt.toISOString() };
    },
  ),
];
