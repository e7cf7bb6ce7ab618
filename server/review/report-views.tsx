// The pieces of the annual report section's pages: the filled paragraphs, the tables, the
// featured quotations, and the wording form with the placeholders each paragraph uses.
import { Button, Form, Table, Textarea } from '../../web/components';
import type { FieldErrors } from '../shared/errors';
import type { FormValues } from '../http/forms';
import { fill, PARAGRAPH_KEYS, PARAGRAPH_LABELS, PLACEHOLDERS, placeholdersIn, reportTables, type Report } from './report';
import { reviewPath } from './views';

export const reportPath = (year: string) => `${reviewPath(year)}/report`;
export const wordingPath = (year: string) => `${reportPath(year)}/wording`;

export function ReportSection({ report }: { report: Report }) {
  return (
    <>
      {report.paragraphs.map((p) => (p.text ? <p class="govuk-body">{p.text}</p> : null))}
      {reportTables(report).map((t) => (
        <Table caption={t.caption} head={t.head} rows={t.rows} />
      ))}
      <h2 class="govuk-heading-m">In their own words</h2>
      {report.quotations.length ? (
        report.quotations.map((q) => (
          <blockquote class="govuk-inset-text">
            <p class="govuk-body">“{q.words}”</p>
            <p class="govuk-body-s">Someone who attended {q.course}</p>
          </blockquote>
        ))
      ) : (
        <p class="govuk-body">No answers of the year are featured as quotations. Reviewers feature answers whose authors agreed to be quoted.</p>
      )}
    </>
  );
}

const usesText = (template: string, values: Report['values']) =>
  placeholdersIn(template)
    .map((name) => `{${name}}: ${Object.hasOwn(PLACEHOLDERS, name) ? (values[name as keyof typeof PLACEHOLDERS] ?? 'not shown, so its sentence is left out') : 'unknown'}`)
    .join('; ') || 'no figures';

export function WordingForm({ report, csrfToken, values, errors }: { report: Report; csrfToken: string; values: FormValues; errors: FieldErrors }) {
  return (
    <Form action={wordingPath(report.year)} csrfToken={csrfToken}>
      {PARAGRAPH_KEYS.map((key) => {
        const template = String(values[key] ?? report.paragraphs.find((p) => p.key === key)!.template);
        return (
          <>
            <Textarea
              name={key}
              label={PARAGRAPH_LABELS[key]}
              rows={5}
              value={template}
              error={errors[key]}
              hint={`Uses ${usesText(template, report.values)}. Reads now: ${fill(template, report.values) || '(nothing: every sentence names a figure not shown)'}`}
            />
          </>
        );
      })}
      <Button>Save the wording</Button>
    </Form>
  );
}

export function PlaceholderTable({ values }: { values: Report['values'] }) {
  return (
    <Table
      caption="The figures a paragraph can name"
      head={['Placeholder', 'What it is', 'Now reads']}
      rows={Object.entries(PLACEHOLDERS).map(([name, p]) => [`{${name}}`, p.about, values[name as keyof typeof PLACEHOLDERS] ?? 'not shown (its sentence is left out)'])}
    />
  );
}
