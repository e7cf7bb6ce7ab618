// The demo's year played in time order: things to do at moments, run one after another on a fixed
// clock that only moves forward, so every service sees the time it would have seen had people
// done these things on the day. What falls after `until` (the demo's "now") does not happen.
import { fixedClock } from '../shared/clock';

interface Happening {
  at: number;
  order: number;
  run: () => Promise<void>;
}

export function timeline(start: Date, until: Date) {
  const clock = fixedClock(start);
  const end = until.getTime();
  // Sorted by time, then by when it was planned; `next` is the first not yet run.
  const queue: Happening[] = [];
  let next = 0;
  let planned = 0;

  /** Plans `run` for the moment `when`; nothing is planned in the past, and what falls after `until` is dropped. */
  function at(when: Date, run: () => Promise<void>): void {
    const t = when.getTime();
    if (Number.isNaN(t)) throw new Error('The demo planned something at an invalid time');
    if (t < clock.now().getTime()) throw new Error(`The demo planned something in its past (${when.toISOString()}, the clock is at ${clock.now().toISOString()})`);
    if (t > end) return;
    const happening = { at: t, order: planned++, run };
    // Binary search for the first happening later than this one (equal times keep the planned order).
    let lo = next;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (queue[mid].at <= t) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, happening);
  }

  /** Runs everything planned, in time order (including what it plans as it goes), and leaves the clock at `until`. */
  async function play(): Promise<void> {
    while (next < queue.length) {
      const happening = queue[next++];
      clock.set(new Date(happening.at));
      await happening.run();
    }
    clock.set(until);
  }

  return { clock, at, play };
}
