import { z } from 'zod';
import { findBooking, listPersonBookings, newPersonBooking, sessionRegister } from '../bookings/queries';
import { bookPlace, cancelBooking, cancelSession, changeCapacity, moveBooking } from '../bookings/service';
import { cancelReason, capacityNumber } from '../catalogue/schemas';
import { scope, type AppContext } from '../http/context';
import { apiDelete, apiGet, apiPatch, apiPost } from './operation';
import { BookingList, bookingOut, BookingSchema, CancelledBooking, CancelledSession, CapacityChanged, MovedBooking, Register, registerOut } from './schemas';

// The bookings API: HTTP to the booking service's calls. The service holds every rule (who
// may book whom, closing, capacity, the waiting list) and audits each change.

const sessionParams = z.object({ sessionId: z.uuid() });
const bookingParams = z.object({ bookingId: z.uuid() });
const NO_SESSION = 'No session with that id that you can see';
const NO_BOOKING = 'No booking with that id that you can see: another person’s booking is not found either';

/** Every operation here needs a token, so the viewer is there. */
const viewer = (c: AppContext) => c.get('viewer')!;

const bookRequest = z.strictObject({
  personId: z.uuid('Give the person as their id').optional().describe('Coordinators only: the person to book; by default the token holder'),
});
const capacityRequest = z.strictObject({
  capacity: capacityNumber.describe('The number of places; not fewer than the places already taken'),
});
const moveRequest = z.strictObject({ toSessionId: z.uuid('Choose another session of the same course by its id').describe('Another session of the same course, with a place free') });
const cancelRequest = z.strictObject({ reason: cancelReason.describe('Sent to everyone booked or waiting') });

export const bookingOperations = [
  apiGet(
    '/api/v1/bookings',
    'signed-in',
    { operationId: 'listMyBookings', tag: 'Bookings', summary: 'The token holder’s own bookings, upcoming and past', response: BookingList },
    async (c) => {
      const { upcoming, past } = await listPersonBookings(scope(c), viewer(c).id);
      return { upcoming: upcoming.map(bookingOut), past: past.map(bookingOut) };
    },
  ),
  apiPost(
    '/api/v1/sessions/:sessionId/bookings',
    'signed-in',
    {
      operationId: 'bookPlace',
      tag: 'Bookings',
      summary: 'Book a place, or a place on the waiting list when the session is full',
      description:
        'Send {} to book the token holder. A coordinator may book someone else (even after booking closes) by sending their personId. A course that needs line-manager approval holds the place as pending approval until the manager decides.',
      params: sessionParams,
      body: bookRequest,
      status: 201,
      response: BookingSchema,
      forbidden: 'the token holder is not a coordinator and asked to book someone else',
      notFound: `${NO_SESSION}, or no person with that personId`,
      conflict: 'The person already has a place or is on the waiting list, or the session is cancelled, has started, or has closed for booking',
    },
    async (c, { sessionId }, { personId }) => {
      const s = scope(c);
      const booking = await bookPlace(s, { sessionId, personId: personId ?? viewer(c).id });
      return bookingOut(newPersonBooking(booking, booking.session, booking.course, s.clock.now()));
    },
  ),
  apiDelete(
    '/api/v1/bookings/:bookingId',
    'signed-in',
    {
      operationId: 'cancelBooking',
      tag: 'Bookings',
      summary: 'Cancel a booking, or leave a waiting list',
      description: 'The token holder’s own booking, or anyone’s for a coordinator. A freed place goes straight to the first person waiting.',
      params: bookingParams,
      response: CancelledBooking,
      notFound: NO_BOOKING,
      conflict: 'The booking has already ended, or the session has started',
    },
    async (c, { bookingId }) => cancelBooking(scope(c), bookingId),
  ),
  apiGet(
    '/api/v1/sessions/:sessionId/register',
    ['coordinator'],
    {
      operationId: 'getRegister',
      tag: 'Bookings',
      summary: 'A session’s register: places, approvals pending, the waiting list and cancellations',
      description:
        'For coordinators: it holds people’s emails and job titles, the waiting list and cancellations. A trainer reads what their pages show, the people with a place by name and organisation, at /api/v1/sessions/{sessionId}/attendance.',
      params: sessionParams,
      response: Register,
      notFound: NO_SESSION,
    },
    async (c, { sessionId }) => registerOut(await sessionRegister(scope(c), sessionId)),
  ),
  apiPatch(
    '/api/v1/sessions/:sessionId',
    ['coordinator'],
    {
      operationId: 'changeSessionCapacity',
      tag: 'Bookings',
      summary: 'Change a session’s capacity',
      description: 'Raising it gives the new places to the waiting list, first come first served.',
      params: sessionParams,
      body: capacityRequest,
      response: CapacityChanged,
      notFound: NO_SESSION,
      unprocessable: 'The capacity is fewer than the places already taken',
    },
    async (c, { sessionId }, { capacity }) => changeCapacity(scope(c), sessionId, capacity),
  ),
  apiPost(
    '/api/v1/bookings/:bookingId/move',
    ['coordinator'],
    {
      operationId: 'moveBooking',
      tag: 'Bookings',
      summary: 'Move a booking to another session of the same course',
      description: 'The place left behind goes to that session’s waiting list. The person is emailed the new date.',
      params: bookingParams,
      body: moveRequest,
      response: MovedBooking,
      notFound: NO_BOOKING,
      conflict: 'The booking has no place to move (it is waitlisted or has ended)',
      unprocessable: 'The session to move to is not another session of the same course, is not open, or is full',
    },
    async (c, { bookingId }, { toSessionId }) => {
      const s = scope(c);
      const { booking, promoted } = await moveBooking(s, bookingId, toSessionId);
      return { booking: bookingOut(await findBooking(s, booking.id)), promoted };
    },
  ),
  apiPost(
    '/api/v1/sessions/:sessionId/cancel',
    ['coordinator'],
    {
      operationId: 'cancelSession',
      tag: 'Bookings',
      summary: 'Cancel a session',
      description: 'Every live booking ends, and everyone booked or waiting is emailed the reason. Cancelling a cancelled session again changes nothing, so a retry is safe.',
      params: sessionParams,
      body: cancelRequest,
      response: CancelledSession,
      notFound: NO_SESSION,
      conflict: 'The session has been delivered',
    },
    async (c, { sessionId }, { reason }) => cancelSession(scope(c), sessionId, reason),
  ),
];
