// The competency status rules, as the pure core computes them from evidence and an injected
// clock: every transition (not started, learned, applied, due for refresh, and back), since and
// refresh dates, refresh periods, lineage across framework versions, and London days.
import { describe, expect, it } from 'vitest';
import { competencyStandings, lineages, type Evidence, type EvidenceKind, type RequiredCompetency } from '../../server/competencies/service';
import { fixedClock } from '../../server/shared/clock';
import { addMonths } from '../../server/shared/dates';

const SHOWS: Record<EvidenceKind, Evidence['shows']> = {
  course: 'learning',
  'e-learning': 'learning',
  'three-month survey': 'application',
  'manager survey': 'application',
  'manager confirmation': 'application',
};

let made = 0;
/** A piece of evidence of the kind, counting from the London day, recorded against a competency. */
const evidence = (kind: EvidenceKind, on: string, competencyId = 'c1', key = `${kind}:${++made}`): Evidence => ({
  key,
  competencyId,
  kind,
  shows: SHOWS[kind],
  on,
  course: kind === 'manager confirmation' ? null : { id: 'course', title: 'A course' },
  detail: kind,
});

const competency = (overrides: Partial<RequiredCompetency> = {}): RequiredCompetency => ({
  id: 'c1',
  code: 'A1',
  domain: 'Recognising harm',
  statement: 'Recognise abuse',
  refreshMonths: 36,
  lineage: ['c1'],
  ...overrides,
});

/** Noon in London on the day, as the clock would say it. */
const clock = fixedClock('2024-01-01T12:00:00Z');
const on = (day: string) => {
  clock.set(`${day}T12:00:00Z`);
  return clock.now();
};

function standingOn(day: string, items: Evidence[], required = competency()) {
  const [standing] = competencyStandings([required], items, on(day));
  return standing;
}

describe('a competency’s status as its evidence comes in and ages', () => {
  const learned = evidence('course', '2024-01-15');
  const applied = evidence('three-month survey', '2024-04-20');

  it('is not started with no evidence, and has no dates', () => {
    expect(standingOn('2024-06-01', [])).toMatchObject({ status: 'not started', since: null, refreshDue: null, evidence: [] });
  });

  it('is learned from the day of the course, due for refresh 36 months on', () => {
    expect(standingOn('2024-01-14', [learned]).status).toBe('not started');
    expect(standingOn('2024-01-15', [learned])).toMatchObject({ status: 'learned', since: '2024-01-15', refreshDue: '2027-01-15' });
    expect(standingOn('2024-03-01', [learned]).evidence).toEqual([learned]);
  });

  it('is applied once there is evidence of application, from that day', () => {
    expect(standingOn('2024-04-19', [learned, applied]).status).toBe('learned');
    expect(standingOn('2024-04-20', [learned, applied])).toMatchObject({ status: 'applied', since: '2024-04-20', refreshDue: '2027-01-15' });
    // Newest first.
    expect(standingOn('2024-05-01', [learned, applied]).evidence).toEqual([applied, learned]);
  });

  it('becomes due for refresh on the day the latest learning is 36 months old, though application is more recent', () => {
    expect(standingOn('2027-01-14', [learned, applied]).status).toBe('applied');
    expect(standingOn('2027-01-15', [learned, applied])).toMatchObject({ status: 'due for refresh', since: '2027-01-15', refreshDue: '2027-01-15' });
  });

  it('stays due for refresh as time passes, and when only evidence of application comes in', () => {
    const confirmed = evidence('manager confirmation', '2027-02-01');
    expect(standingOn('2030-06-01', [learned, applied])).toMatchObject({ status: 'due for refresh', since: '2027-01-15', refreshDue: '2027-01-15' });
    expect(standingOn('2027-03-01', [learned, applied, confirmed])).toMatchObject({ status: 'due for refresh', since: '2027-01-15' });
  });

  it('is cleared by new learning: applied again when application is still current, from the new learning’s day', () => {
    const confirmed = evidence('manager confirmation', '2027-02-01');
    const relearned = evidence('e-learning', '2027-03-01');
    expect(standingOn('2027-03-10', [learned, applied, confirmed, relearned])).toMatchObject({ status: 'applied', since: '2027-03-01', refreshDue: '2030-03-01' });
    // With no application within the period, new learning makes it learned.
    expect(standingOn('2027-05-01', [learned, applied, relearned])).toMatchObject({ status: 'learned', since: '2027-04-20', refreshDue: '2030-03-01' });
  });

  it('goes back to learned when the evidence of application is older than the period and the learning is not', () => {
    const refreshed = evidence('course', '2026-12-01');
    expect(standingOn('2027-04-19', [learned, applied, refreshed])).toMatchObject({ status: 'applied', since: '2024-04-20' });
    expect(standingOn('2027-04-20', [learned, applied, refreshed])).toMatchObject({ status: 'learned', since: '2027-04-20', refreshDue: '2029-12-01' });
  });

  it('keeps the day a status began across renewed learning, and dates refresh from the latest', () => {
    const again = evidence('course', '2026-06-01');
    expect(standingOn('2027-02-01', [learned, again])).toMatchObject({ status: 'learned', since: '2024-01-15', refreshDue: '2029-06-01' });
  });

  it('counts application that came before the learning, from the learning’s day', () => {
    const confirmed = evidence('manager confirmation', '2023-11-01');
    expect(standingOn('2023-12-01', [confirmed])).toMatchObject({ status: 'not started', since: null, refreshDue: null, evidence: [confirmed] });
    expect(standingOn('2024-02-01', [confirmed, learned])).toMatchObject({ status: 'applied', since: '2024-01-15' });
  });

  it('lists evidence of application alone but leaves it not started', () => {
    const survey = evidence('manager survey', '2024-05-01');
    expect(standingOn('2024-06-01', [survey])).toMatchObject({ status: 'not started', since: null, refreshDue: null, evidence: [survey] });
  });

  it('does not count evidence dated after today', () => {
    const later = evidence('e-learning', '2024-07-01');
    expect(standingOn('2024-06-30', [later])).toMatchObject({ status: 'not started', evidence: [] });
    expect(standingOn('2024-07-01', [later]).status).toBe('learned');
  });

  it('applies each kind of evidence as learning or application', () => {
    for (const kind of ['course', 'e-learning'] as const) expect(standingOn('2024-06-01', [evidence(kind, '2024-05-01')]).status, kind).toBe('learned');
    for (const kind of ['three-month survey', 'manager survey', 'manager confirmation'] as const) {
      expect(standingOn('2024-06-01', [learned, evidence(kind, '2024-05-01')]).status, kind).toBe('applied');
    }
  });
});

describe('refresh periods', () => {
  const learned = evidence('course', '2024-01-15');

  it('uses each competency’s own period', () => {
    const yearly = competency({ id: 'c1', refreshMonths: 12 });
    const usual = competency({ id: 'c1', code: 'A2', refreshMonths: 36 });
    const [short, long] = competencyStandings([yearly, usual], [learned], on('2025-01-15'));
    expect(short).toMatchObject({ code: 'A1', status: 'due for refresh', refreshDue: '2025-01-15' });
    expect(long).toMatchObject({ code: 'A2', status: 'learned', refreshDue: '2027-01-15' });
  });

  it('falls on the last day of a shorter month', () => {
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28');
    expect(standingOn('2025-02-28', [evidence('course', '2024-02-29')], competency({ refreshMonths: 12 }))).toMatchObject({ status: 'due for refresh', since: '2025-02-28' });
  });

  it('counts days in London: a moment late on a summer evening in UTC is the next London day', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    const learnedOnFirstJuly = evidence('course', '2024-07-01');
    clock.set('2027-06-30T22:30:00Z'); // 23:30 on 30 June in London
    expect(competencyStandings([competency()], [learnedOnFirstJuly], clock.now())[0].status).toBe('learned');
    clock.set('2027-06-30T23:30:00Z'); // 00:30 on 1 July in London
    expect(competencyStandings([competency()], [learnedOnFirstJuly], clock.now())[0]).toMatchObject({ status: 'due for refresh', since: '2027-07-01' });
  });
});

describe('evidence across framework versions', () => {
  it('counts evidence recorded against the earlier competencies a current one continues, and nothing else', () => {
    const chains = lineages(['v3'], new Map([['v3', 'v2'], ['v2', 'v1'], ['v1', null], ['other', null]]));
    expect(chains.get('v3')).toEqual(['v3', 'v2', 'v1']);
    const current = competency({ id: 'v3', lineage: chains.get('v3')! });
    const old = evidence('course', '2024-01-15', 'v1');
    const unrelated = evidence('manager confirmation', '2024-03-01', 'other');
    expect(standingOn('2024-06-01', [old, unrelated], current)).toMatchObject({ status: 'learned', since: '2024-01-15', evidence: [old] });
  });

  it('counts one piece of evidence recorded against two versions once', () => {
    const current = competency({ id: 'new', lineage: ['new', 'old'] });
    const both = [evidence('course', '2024-01-15', 'old', 'course:b1'), evidence('course', '2024-01-15', 'new', 'course:b1')];
    expect(standingOn('2024-06-01', both, current).evidence).toHaveLength(1);
  });

  it('gives each of two competencies that continue the same earlier one its evidence', () => {
    const split = [competency({ id: 'a', lineage: ['a', 'old'] }), competency({ id: 'b', code: 'A2', lineage: ['b', 'old'] })];
    const statuses = competencyStandings(split, [evidence('e-learning', '2024-01-15', 'old')], on('2024-06-01')).map((c) => c.status);
    expect(statuses).toEqual(['learned', 'learned']);
  });

  it('stops following a chain that comes back on itself', () => {
    expect(lineages(['a'], new Map([['a', 'b'], ['b', 'a']])).get('a')).toEqual(['a', 'b']);
  });
});
