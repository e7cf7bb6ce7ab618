import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { calendarInvite } from '../../server/bookings/calendar';
import { calendarText, foldLine, type CalendarEvent } from '../../server/shared/ical';

const awkward = [
  'Safeguarding, neglect; and "exploitation" \\ a backslash',
  'a second line\nand a third\r\nand a fourth',
  'émigré café ✓ 👩‍⚕️ — long: ' + 'Graded Care Profile 2, '.repeat(12),
].join('\n');

const event = (overrides: Partial<CalendarEvent> = {}): CalendarEvent => ({
  productId: 'safeguarding-training',
  uid: 'b6a0c1d2-0000-4000-8000-000000000001.5f1e2d3c-0000-4000-8000-000000000002@safeguarding-training',
  method: 'REQUEST',
  status: 'CONFIRMED',
  sequence: 0,
  stamp: new Date('2026-11-23T10:00:00Z'),
  start: new Date('2026-12-15T10:00:00Z'),
  end: new Date('2026-12-15T12:30:00Z'),
  summary: awkward,
  description: `${awkward}\n\nYour bookings: https://training.example.org/bookings?x=1,2;3`,
  location: 'Riverside House, Main Street; Rotherham S60 1AE',
  organiser: { name: 'RSCP training, "Rotherham"; LSCP', email: 'training@rscp.example' },
  ...overrides,
});

/** The text parsed by ical.js (a real RFC 5545 parser): the calendar and its one event. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  const vevent = calendar.getFirstSubcomponent('vevent')!;
  return { calendar, vevent, event: new ICAL.Event(vevent) };
}

describe('calendar invites written as RFC 5545', () => {
  it('round-trip every field through a real parser, long and awkward text included', () => {
    const e = event();
    const { calendar, vevent, event: parsed } = parse(calendarText(e));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBe('safeguarding-training');
    expect(parsed.uid).toBe(e.uid);
    expect(parsed.summary).toBe(e.summary.replace(/\r\n/g, '\n'));
    expect(parsed.description).toBe(e.description.replace(/\r\n/g, '\n'));
    expect(parsed.location).toBe(e.location);
    expect(parsed.sequence).toBe(0);
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(parsed.startDate.toJSDate().toISOString()).toBe('2026-12-15T10:00:00.000Z');
    expect(parsed.endDate.toJSDate().toISOString()).toBe('2026-12-15T12:30:00.000Z');
    expect(parsed.startDate.zone?.tzid).toBe('UTC');
    expect((vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate().toISOString()).toBe('2026-11-23T10:00:00.000Z');
    const organiser = vevent.getFirstProperty('organizer')!;
    expect(organiser.getFirstValue()).toBe('mailto:training@rscp.example');
    expect(organiser.getParameter('cn')).toBe('RSCP training, \'Rotherham\'; LSCP');
  });

  it('keeps every line within 75 octets, ends each with CRLF, and never splits a character', () => {
    const text = calendarText(event());
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n').slice(0, -1);
    expect(lines.some((l) => l.startsWith(' '))).toBe(true);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    // Folding at every width keeps multi-byte characters whole.
    const emoji = `SUMMARY:${'é✓👩‍⚕️'.repeat(40)}`;
    const folded = foldLine(emoji);
    expect(folded.split('\r\n').every((l) => Buffer.byteLength(l, 'utf8') <= 75)).toBe(true);
    // Folded only where the next character would not fit (it takes at most 4 octets).
    expect(folded.split('\r\n').slice(0, -1).every((l) => Buffer.byteLength(l, 'utf8') >= 72)).toBe(true);
    expect(folded.replace(/\r\n /g, '')).toBe(emoji);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('makes the booking’s invite and its cancellation for the same event', () => {
    const session = {
      bookingId: 'b1',
      sessionId: 's1',
      title: 'Working Together, 2023; an update',
      startsAt: new Date('2026-12-15T10:00:00Z'),
      endsAt: new Date('2026-12-15T12:00:00Z'),
      location: 'Online',
      description: 'Rotherham Safeguarding Children Partnership training. Your bookings: https://training.example.org/bookings',
      organiser: { name: 'RSCP training', email: 'training@rscp.example' },
      stamp: new Date('2026-11-23T10:00:00Z'),
    };
    const invite = calendarInvite(session, 'request');
    const cancel = calendarInvite(session, 'cancel');
    expect([invite.filename, invite.contentType]).toEqual(['invite.ics', 'text/calendar; method=REQUEST']);
    expect([cancel.filename, cancel.contentType]).toEqual(['cancel.ics', 'text/calendar; method=CANCEL']);
    const a = parse(invite.content as string);
    const b = parse(cancel.content as string);
    expect(b.calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(b.vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(b.event.uid).toBe(a.event.uid);
    expect(b.event.sequence).toBeGreaterThan(a.event.sequence);
    expect(a.event.summary).toBe(session.title);
    expect(invite.content).toContain('DTSTART:20261215T100000Z');
  });
});
