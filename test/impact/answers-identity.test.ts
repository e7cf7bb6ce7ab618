// Nobody can be picked out from "What people said": with several attendees answering, the answers
// page (every page of it, every answer's own page) and the API carry none of the attendees' names
// or emails (nor their line managers'), no organisation's name, and no sector of which fewer than 5
// answered.
import { describe, expect, it } from 'vitest';
import { organisations, people, SECTORS } from '../../db/schema';
import { makePerson, TestClient } from '../support/app';
import { callApi, personWithToken } from '../api/support';
import { useAnswersYear } from './answers-fixture';

const t = useAnswersYear();

/** What a reviewer can read: the list (each page) and each answer's own page, and the API's answers. */
async function everythingShown() {
  const reviewer = await makePerson(t.database.db, ['reviewer'], { name: 'Rita Reader' });
  const client = await new TestClient(t.built.app).signInAs(t.database.db, reviewer.id, t.built.clock.now(), t.built.config);
  const pages = [await (await client.get('/impact/answers?year=2025-26')).text()];
  for (const id of Object.values(t.ids)) pages.push(await (await client.get(`/impact/answers/${id}`)).text());
  const { token } = await personWithToken(t.database.db, t.built, ['coordinator']);
  const api = await (await callApi(t.built, '/api/v1/impact/answers?year=2025-26', token)).text();
  return { pages, api };
}

describe('what people said names nobody', () => {
  it('shows no attendee’s name or email, no manager’s email, and no organisation', async () => {
    const { pages, api } = await everythingShown();
    const attendees = await t.database.db.select({ name: people.name, email: people.email }).from(people);
    expect(attendees.length).toBeGreaterThan(18);
    const orgNames = (await t.database.db.select({ name: organisations.name, short: organisations.shortName }).from(organisations)).flatMap((o) => [o.name, o.short]);
    for (const shown of [...pages, api]) {
      expect(shown).toContain('I ask who else lives in the home');
      for (const person of attendees) {
        if (person.name === 'Rita Reader') continue;
        expect(shown.includes(person.email), person.email).toBe(false);
        expect(shown.includes(person.name), person.name).toBe(false);
      }
      expect(shown.includes('manager@impact.example')).toBe(false);
      // The filter form lists the sectors (one organisation's short name is a sector's too).
      const withoutChoices = shown.replace(/<option[^>]*>[^<]*<\/option>/g, '');
      for (const name of orgNames) expect(new RegExp(`\\b${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(withoutChoices), name).toBe(false);
    }
  });

  it('says no sector that fewer than 5 answered, on the page or the API', async () => {
    const { pages, api } = await everythingShown();
    const titles = [...pages[0].matchAll(/<h2 class="govuk-summary-card__title">([\s\S]*?)<\/h2>/g)].map((m) => m[1].replace(/\s+/g, ' '));
    expect(titles).toHaveLength(9);
    for (const title of titles) expect(title).toMatch(/, (Local authority|another sector)$/);
    expect(titles.filter((t) => t.endsWith('another sector'))).toHaveLength(3);
    // Each answer's own page says no sector at all, outside the form's list of sectors it has none.
    for (const page of pages.slice(1)) for (const sector of SECTORS) expect(page.replace(/<option[^>]*>[^<]*<\/option>/g, '')).not.toContain(`>${sector}<`);
    const body = JSON.parse(api) as { answers: { sector: string | null }[] };
    expect(body.answers.map((a) => a.sector).sort()).toEqual([...Array(6).fill('Local authority'), null, null, null]);
  });
});
