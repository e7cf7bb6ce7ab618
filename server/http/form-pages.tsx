// Page and form pieces shared by every feature's forms: a form page frame, the
// save-or-show-errors step, GOV.UK date inputs, summary lists with Change links, success
// banners, and the form that takes a CSV file to import (uploaded or pasted).
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { Button, describedBy, ErrorMessage, ErrorSummary, FileUpload, Form, Hint, NotificationBanner, Textarea } from '../../web/components';
import { DomainError, type FieldErrors } from '../shared/errors';
import type { AppContext } from './context';
import { postedForm } from './readable';
import { one, parseForm, type FormValues } from './forms';
import { render, seeOther } from './render';
import { csrfToken } from './security';

type Page = Response | Promise<Response>;

/** A form page: error summary first, then the caption and the one h1. */
export function formPage(c: AppContext, options: { title: string; caption?: string; backLink: string; errors?: FieldErrors; banner?: Child }, body: Child) {
  const errors = options.errors ?? {};
  return render(
    c,
    { title: options.title, hasErrors: Object.keys(errors).length > 0, backLink: options.backLink },
    <div class="govuk-grid-row">
      <div class="govuk-grid-column-two-thirds">
        <ErrorSummary errors={errors} />
        {options.banner}
        {options.caption ? <span class="govuk-caption-l">{options.caption}</span> : null}
        <h1 class="govuk-heading-l">{options.title}</h1>
        {body}
      </div>
    </div>,
  );
}

/** Where a form posts, the page it sits on, and its button. */
export interface FormTarget {
  action: string;
  backLink: string;
  title: string;
  caption?: string;
  submit: string;
}

/** A form's fields with its CSRF token and its one button. */
export const TargetForm = ({ c, target, warning, children }: { c: AppContext; target: FormTarget; warning?: boolean; children: Child }) => (
  <Form action={target.action} csrfToken={csrfToken(c)}>
    {children}
    <Button warning={warning}>{target.submit}</Button>
  </Form>
);

/**
 * The one shape of every form post that saves and moves on: check the input, save it, then redirect; a bad
 * input, or a rule the service refuses with field messages, shows the form again (422)
 * with nothing changed.
 */
export async function submitForm<S extends z.ZodType, R>(
  c: AppContext,
  schema: S,
  show: (values: FormValues, errors: FieldErrors) => Page,
  save: (data: z.infer<S>) => Promise<R>,
  next: (result: R) => string,
): Promise<Response> {
  const form = await parseForm(c, schema);
  if (!form.ok) return show(form.values, form.errors);
  try {
    return seeOther(c, next(await save(form.data)));
  } catch (error) {
    if (error instanceof DomainError && Object.keys(error.fields).length) return show(form.values, error.fields);
    throw error;
  }
}

/** The success message named by ?done=, from a fixed list (the query never becomes page text). */
export function Done({ c, messages }: { c: AppContext; messages: Record<string, string> }) {
  const key = c.req.query('done');
  const message = key && Object.hasOwn(messages, key) ? messages[key] : undefined;
  if (!message) return null;
  return (
    <NotificationBanner>
      <p class="govuk-notification-banner__heading">{message}</p>
    </NotificationBanner>
  );
}

const DATE_PARTS = ['day', 'month', 'year'] as const;

/** Joins the day, month and year fields of each named date into "YYYY-MM-DD" before checking. */
export function withDateParts<S extends z.ZodType>(names: string[], schema: S) {
  return z.preprocess((raw) => {
    if (!raw || typeof raw !== 'object') return raw;
    const form = { ...(raw as Record<string, unknown>) };
    for (const name of names) {
      const [day, month, year] = DATE_PARTS.map((part) => String(form[`${name}-${part}`] ?? '').trim());
      if (DATE_PARTS.every((part) => form[`${name}-${part}`] === undefined)) continue;
      form[name] = day || month || year ? `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` : '';
    }
    return form;
  }, schema);
}

/** A stored "YYYY-MM-DD" as the values of a date input. */
export function dateValues(name: string, iso: string): FormValues {
  const [year, month, day] = iso.split('-');
  return { [`${name}-day`]: String(Number(day)), [`${name}-month`]: String(Number(month)), [`${name}-year`]: year };
}

/** The GOV.UK date input. The day field carries the name as its id, for the error summary's link. */
export function DateInput({ name, label, hint, error, values }: { name: string; label: string; hint?: string; error?: string; values: FormValues }) {
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" role="group" aria-describedby={describedBy(name, true, error)}>
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{label}</legend>
        <Hint id={name} hint={hint ?? 'For example, 27 4 2027'} />
        <ErrorMessage id={name} message={error} />
        <div class="govuk-date-input">
          {DATE_PARTS.map((part) => (
            <div class="govuk-date-input__item">
              <div class="govuk-form-group">
                <label class="govuk-label govuk-date-input__label" for={part === 'day' ? name : `${name}-${part}`}>
                  {part[0].toUpperCase() + part.slice(1)}
                </label>
                <input
                  class={`govuk-input govuk-date-input__input govuk-input--width-${part === 'year' ? 4 : 2}${error ? ' govuk-input--error' : ''}`}
                  id={part === 'day' ? name : `${name}-${part}`}
                  name={`${name}-${part}`}
                  type="text"
                  inputmode="numeric"
                  value={one(values, `${name}-${part}`)}
                />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

export interface SummaryRow {
  key: string;
  value: Child;
  /** Where the Change link goes; no link when absent. */
  change?: string;
}

/** A summary list whose rows can have a Change link, named for screen readers. */
export function ChangeableSummary({ rows }: { rows: SummaryRow[] }) {
  const anyChange = rows.some((r) => r.change);
  return (
    <dl class="govuk-summary-list">
      {rows.map((r) => (
        <div class={`govuk-summary-list__row${anyChange && !r.change ? ' govuk-summary-list__row--no-actions' : ''}`}>
          <dt class="govuk-summary-list__key">{r.key}</dt>
          <dd class="govuk-summary-list__value">{r.value}</dd>
          {r.change ? (
            <dd class="govuk-summary-list__actions">
              <a class="govuk-link" href={r.change}>
                Change<span class="govuk-visually-hidden"> {r.key.toLowerCase()}</span>
              </a>
            </dd>
          ) : null}
        </div>
      ))}
    </dl>
  );
}

/** A CSV file to import, uploaded or pasted: the fields `file` and `csv`, the CSRF token and the button. */
/** A CSV file to upload or paste; `children` (more fields) come before the button. */
export function CsvUploadForm(props: { c: AppContext; action: string; fileHint: string; pasteHint: string; submit: string; pasted: string; errors: FieldErrors; children?: Child }) {
  return (
    <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
      <input type="hidden" name="_csrf" value={csrfToken(props.c)} />
      <FileUpload name="file" label="Upload the CSV file" hint={props.fileHint} accept=".csv,text/csv" error={props.errors.file} />
      <Textarea name="csv" label="Or paste the CSV" hint={props.pasteHint} rows={8} value={props.pasted} error={props.errors.csv} />
      {props.children}
      <Button>{props.submit}</Button>
    </form>
  );
}

/** What a CsvUploadForm sent: the text and the field it came from, or why there is none; and the pasted text, to show again. */
export type CsvUpload = { text: string; field: 'file' | 'csv'; pasted: string } | { errors: FieldErrors; pasted: string };

/** The file chosen, or else the pasted text; `missing` says what to choose when there is neither. */
export async function readCsvUpload(c: AppContext, missing: string): Promise<CsvUpload> {
  const body = postedForm(c);
  const pasted = typeof body.csv === 'string' ? body.csv : '';
  const file = body.file instanceof File && body.file.size > 0 ? body.file : undefined;
  if (file && pasted.trim()) return { pasted, errors: { file: 'Choose a file or paste the CSV, not both' } };
  if (file) return { text: await file.text(), field: 'file', pasted };
  if (pasted.trim()) return { text: pasted, field: 'csv', pasted };
  return { pasted, errors: { file: missing } };
}
