// The coordinator's people pages: find people and grant or remove their roles.
// The rules (searchPeople, getPersonWithRoles, setRoles) are here, above the pages.
import { and, asc, eq, ilike, inArray, or } from 'drizzle-orm';
import { z } from 'zod';
import { Button, Choices, SummaryList, Table, TextInput } from '../../web/components';
import { organisations, people, personRoles, ROLES, type Role } from '../../db/schema';
import { audit } from '../audit/log';
import { ActionLink, Done, formPage, submitForm, TargetForm } from '../catalogue/manage-forms';
import { asList } from '../catalogue/manage-service';
import { uuidParam } from '../catalogue/routes';
import { invalid, notFound, type FieldErrors } from '../errors';
import { scope, type AppContext, type Scope } from '../http/context';
import { many, type FormValues } from '../http/forms';
import { render } from '../http/render';
import { get, post } from '../http/routes';

// ---- Rules --------------------------------------------------------------------------

export const PEOPLE_PAGE_SIZE = 50;

export const rolesInput = z.object({
  roles: z.preprocess(asList, z.array(z.enum(ROLES, 'Select roles from the list')).min(1, 'Select at least one role')),
});

/** `%` and `_` typed in a search are matched as themselves. */
const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

async function rolesOf(s: Scope, personIds: string[]) {
  const rows = personIds.length ? await s.db.select().from(personRoles).where(inArray(personRoles.personId, personIds)) : [];
  return (personId: string) => ROLES.filter((role) => rows.some((r) => r.personId === personId && r.role === role));
}

/** People whose name or email contains the words, alphabetically; the first page only. */
/** "p•••@partner.example": enough to tell two people of one name apart, without handing out the address. */
export const maskEmail = (email: string) => email.replace(/^(.)[^@]*/, '$1•••');

export async function searchPeople(s: Scope, q = '') {
  const words = q.trim().split(/\s+/).filter(Boolean).slice(0, 5);
  const rows = await s.db
    .select({ id: people.id, name: people.name, email: people.email, organisation: organisations.name })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .where(and(eq(people.partnershipId, s.partnership.id), ...words.map((w) => or(ilike(people.name, likePattern(w)), ilike(people.email, likePattern(w))))))
    .orderBy(asc(people.name), asc(people.email))
    .limit(PEOPLE_PAGE_SIZE + 1);
  const roles = await rolesOf(s, rows.map((r) => r.id));
  return { people: rows.slice(0, PEOPLE_PAGE_SIZE).map((r) => ({ ...r, roles: roles(r.id) })), more: rows.length > PEOPLE_PAGE_SIZE };
}

export async function getPersonWithRoles(s: Scope, personId: string) {
  const [person] = await s.db
    .select({ id: people.id, name: people.name, email: people.email, jobTitle: people.jobTitle, organisation: organisations.name })
    .from(people)
    .innerJoin(organisations, eq(organisations.id, people.organisationId))
    .where(and(eq(people.id, personId), eq(people.partnershipId, s.partnership.id)));
  if (!person) throw notFound('Person');
  return { ...person, roles: (await rolesOf(s, [personId]))(personId) };
}

/**
 * Gives a person exactly these roles. A coordinator cannot remove their own coordinator
 * role, so a partnership is never left without one by accident.
 */
export async function setRoles(s: Scope, personId: string, roles: Role[]): Promise<{ granted: Role[]; removed: Role[] }> {
  await getPersonWithRoles(s, personId);
  if (personId === s.viewer?.id && s.viewer.roles.includes('coordinator') && !roles.includes('coordinator')) {
    throw invalid({ roles: 'You cannot remove your own coordinator role. Ask another coordinator to do it.' });
  }
  return s.db.transaction(async (tx) => {
    const current = (await tx.select({ role: personRoles.role }).from(personRoles).where(eq(personRoles.personId, personId))).map((r) => r.role);
    const granted = roles.filter((r) => !current.includes(r));
    const removed = current.filter((r) => !roles.includes(r));
    if (removed.length) await tx.delete(personRoles).where(and(eq(personRoles.personId, personId), inArray(personRoles.role, removed)));
    if (granted.length) await tx.insert(personRoles).values(granted.map((role) => ({ personId, role }))).onConflictDoNothing();
    if (granted.length || removed.length) {
      await audit(tx, { partnershipId: s.partnership.id, actorId: s.viewer?.id ?? null, action: 'person.roles.changed', subjectType: 'person', subjectId: personId, detail: { granted, removed } });
    }
    return { granted, removed };
  });
}

// ---- Pages --------------------------------------------------------------------------

const COORDINATOR: Role[] = ['coordinator'];
const ROLE_HINTS: Record<Role, string> = {
  practitioner: 'Books training and gives feedback',
  trainer: 'Sees the registers of their sessions and records attendance',
  coordinator: 'Builds the prospectus and manages bookings, organisations and people',
  reviewer: 'Reads the impact evidence and the year-end review',
  'organisation lead': 'Sees their organisation’s staff training',
};
const roleList = (roles: Role[]) => (roles.length ? roles.join(', ') : 'None');

async function peoplePage(c: AppContext) {
  const q = (c.req.query('q') ?? '').slice(0, 100);
  const { people: found, more } = await searchPeople(scope(c), q);
  return render(
    c,
    { title: 'People', backLink: '/manage' },
    <>
      <h1 class="govuk-heading-l">People</h1>
      <form method="get" action="/manage/people" role="search" aria-label="People">
        <TextInput name="q" label="Search by name or email" width="20" spellcheck={false} value={q} />
        <Button secondary>Search</Button>
      </form>
      <p class="govuk-body" role="status">
        {found.length ? `${more ? 'The first ' : ''}${found.length} ${found.length === 1 ? 'person' : 'people'}` : 'Nobody'}
        {q ? ` matching ‘${q}’` : ''}
        {more ? '. Search to narrow the list.' : ''}
      </p>
      {found.length ? (
        <Table
          head={['Name', 'Email', 'Organisation', 'Roles', 'Actions']}
          rows={found.map((p) => [p.name, p.email, p.organisation, roleList(p.roles), <ActionLink href={`/manage/people/${p.id}`} text="Change roles" about={`for ${p.name}`} />])}
        />
      ) : null}
    </>,
  );
}

type Person = Awaited<ReturnType<typeof getPersonWithRoles>>;

function personPage(c: AppContext, person: Person, values: FormValues, errors: FieldErrors = {}) {
  const self = person.id === c.get('viewer')?.id;
  const target = { action: `/manage/people/${person.id}/roles`, backLink: '/manage/people', title: person.name, caption: 'People', submit: 'Save roles' };
  return formPage(
    c,
    { ...target, errors, banner: <Done c={c} messages={{ roles: 'Roles saved' }} /> },
    <>
      <SummaryList
        rows={[
          { key: 'Email', value: person.email },
          { key: 'Organisation', value: person.organisation },
          { key: 'Job title', value: person.jobTitle },
          { key: 'Roles', value: roleList(person.roles) },
        ]}
      />
      <TargetForm c={c} target={target}>
        <Choices
          type="checkbox"
          name="roles"
          label="Roles"
          legendSize="m"
          hint={self ? 'This is you: you cannot remove your own coordinator role.' : 'Select all that apply'}
          options={ROLES.map((role) => ({ value: role, text: role[0].toUpperCase() + role.slice(1), hint: ROLE_HINTS[role] }))}
          values={many(values, 'roles')}
          error={errors.roles}
        />
      </TargetForm>
    </>,
  );
}

const person = (c: AppContext) => getPersonWithRoles(scope(c), uuidParam(c, 'personId', 'Person'));

export const peopleRoutes = [
  get('/manage/people', COORDINATOR, peoplePage),
  get('/manage/people/:personId', COORDINATOR, async (c) => {
    const p = await person(c);
    return personPage(c, p, { roles: p.roles });
  }),
  post('/manage/people/:personId/roles', COORDINATOR, async (c) => {
    const p = await person(c);
    return submitForm(c, rolesInput, (values, errors) => personPage(c, p, values, errors), (input) => setRoles(scope(c), p.id, input.roles), () => `/manage/people/${p.id}?done=roles`);
  }),
];
