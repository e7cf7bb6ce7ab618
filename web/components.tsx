// GOV.UK Frontend components as hono/jsx functions: one definition of each, used by every page.
import type { Child } from 'hono/jsx';
import { formatDate } from '../server/shared/dates';

export type Errors = Record<string, string | undefined>;

export function ErrorSummary({ errors, title = 'There is a problem', description }: { errors: Errors; title?: string; description?: Child }) {
  const entries = Object.entries(errors).filter((e): e is [string, string] => Boolean(e[1]));
  if (!entries.length) return null;
  return (
    <div class="govuk-error-summary" data-module="govuk-error-summary">
      <div role="alert">
        <h2 class="govuk-error-summary__title">{title}</h2>
        <div class="govuk-error-summary__body">
          {description ? <p class="govuk-body">{description}</p> : null}
          <ul class="govuk-list govuk-error-summary__list">
            {entries.map(([field, message]) => (
              <li>
                <a href={`#${field}`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </div>
  );
}

export function ErrorMessage({ id, message }: { id: string; message?: string }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} class="govuk-error-message">
      <span class="govuk-visually-hidden">Error:</span> {message}
    </p>
  );
}

export function Hint({ id, hint }: { id: string; hint?: Child }) {
  if (!hint) return null;
  return (
    <div id={`${id}-hint`} class="govuk-hint">
      {hint}
    </div>
  );
}

export const describedBy = (id: string, hint: unknown, error: unknown) =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

interface FieldProps {
  name: string;
  label: string;
  hint?: Child;
  error?: string;
  /** Shows the label as the page's heading (a one-question page). */
  isPageHeading?: boolean;
}

/** A form group: the label, its hint and its error message, then the control. */
function FormGroup({ field, children }: { field: FieldProps & { small?: boolean }; children: Child }) {
  return (
    <div class={`govuk-form-group${field.error ? ' govuk-form-group--error' : ''}`}>
      <Label {...field} />
      <Hint id={field.name} hint={field.hint} />
      <ErrorMessage id={field.name} message={field.error} />
      {children}
    </div>
  );
}

function Label({ name, label, isPageHeading, small }: Pick<FieldProps, 'name' | 'label' | 'isPageHeading'> & { small?: boolean }) {
  const el = (
    <label class={`govuk-label${isPageHeading ? ' govuk-label--l' : small ? ' govuk-label--s' : ''}`} for={name}>
      {label}
    </label>
  );
  return isPageHeading ? <h1 class="govuk-label-wrapper">{el}</h1> : el;
}

export function TextInput(
  props: FieldProps & { value?: string | number; type?: string; autocomplete?: string; width?: string; spellcheck?: boolean; inputmode?: 'numeric' | 'email' | 'text' | 'decimal' },
) {
  const { name, error, hint } = props;
  return (
    <FormGroup field={props}>
      <input
        class={`govuk-input${props.width ? ` govuk-input--width-${props.width}` : ''}${error ? ' govuk-input--error' : ''}`}
        id={name}
        name={name}
        type={props.type ?? 'text'}
        value={props.value ?? ''}
        autocomplete={props.autocomplete}
        spellcheck={props.spellcheck}
        inputmode={props.inputmode}
        aria-describedby={describedBy(name, hint, error)}
      />
    </FormGroup>
  );
}

export function Textarea(props: FieldProps & { value?: string; rows?: number }) {
  const { name, error, hint } = props;
  return (
    <FormGroup field={props}>
      <textarea
        class={`govuk-textarea${error ? ' govuk-textarea--error' : ''}`}
        id={name}
        name={name}
        rows={props.rows ?? 5}
        aria-describedby={describedBy(name, hint, error)}
      >
        {props.value ?? ''}
      </textarea>
    </FormGroup>
  );
}

/** A file upload for a CSV, with a bold label. */
export function FileUpload(props: FieldProps & { accept: string }) {
  const { name, error, hint } = props;
  return (
    <FormGroup field={{ ...props, small: true }}>
      <input
        class={`govuk-file-upload${error ? ' govuk-file-upload--error' : ''}`}
        id={name}
        name={name}
        type="file"
        accept={props.accept}
        aria-describedby={describedBy(name, hint, error)}
      />
    </FormGroup>
  );
}

export interface Option {
  value: string;
  text: string;
  hint?: string;
}

export function Select(props: FieldProps & { options: Option[]; value?: string; placeholder?: string }) {
  const { name, error, hint } = props;
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <Label {...props} />
      <Hint id={name} hint={hint} />
      <ErrorMessage id={name} message={error} />
      <select class={`govuk-select${error ? ' govuk-select--error' : ''}`} id={name} name={name} aria-describedby={describedBy(name, hint, error)}>
        {props.placeholder !== undefined ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Radios or checkboxes in a fieldset; the first input carries the field's id for the error summary link. */
export function Choices(
  props: FieldProps & { type: 'radio' | 'checkbox'; options: Option[]; values?: string[]; small?: boolean; inline?: boolean; legendSize?: 's' | 'm' | 'l' },
) {
  const { name, error, hint, type } = props;
  const kind = type === 'radio' ? 'radios' : 'checkboxes';
  const legend = <legend class={`govuk-fieldset__legend govuk-fieldset__legend--${props.isPageHeading ? 'l' : (props.legendSize ?? 's')}`}>{props.isPageHeading ? <h1 class="govuk-fieldset__heading">{props.label}</h1> : props.label}</legend>;
  return (
    <div class={`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
      <fieldset class="govuk-fieldset" aria-describedby={describedBy(name, hint, error)}>
        {legend}
        <Hint id={name} hint={hint} />
        <ErrorMessage id={name} message={error} />
        <div class={`govuk-${kind}${props.small ? ` govuk-${kind}--small` : ''}${props.inline ? ` govuk-${kind}--inline` : ''}`} data-module={`govuk-${kind}`}>
          {props.options.map((o, i) => {
            const id = i === 0 ? name : `${name}-${i + 1}`;
            return (
              <div class={`govuk-${kind}__item`}>
                <input
                  class={`govuk-${kind}__input`}
                  id={id}
                  name={name}
                  type={type}
                  value={o.value}
                  checked={props.values?.includes(o.value)}
                  aria-describedby={o.hint ? `${id}-item-hint` : undefined}
                />
                <label class={`govuk-label govuk-${kind}__label`} for={id}>
                  {o.text}
                </label>
                {o.hint ? (
                  <div id={`${id}-item-hint`} class={`govuk-hint govuk-${kind}__hint`}>
                    {o.hint}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}

export function Button({ children, secondary, warning }: { children: Child; secondary?: boolean; warning?: boolean }) {
  return (
    <button type="submit" class={`govuk-button${secondary ? ' govuk-button--secondary' : ''}${warning ? ' govuk-button--warning' : ''}`} data-module="govuk-button">
      {children}
    </button>
  );
}

/** A POST form with its CSRF token. */
export function Form({ action, csrfToken, children, novalidate = true }: { action: string; csrfToken: string; children: Child; novalidate?: boolean }) {
  return (
    <form method="post" action={action} novalidate={novalidate}>
      <input type="hidden" name="_csrf" value={csrfToken} />
      {children}
    </form>
  );
}

export function SummaryList({ rows, noBorder }: { rows: { key: string; value: Child }[]; noBorder?: boolean }) {
  return (
    <dl class={`govuk-summary-list${noBorder ? ' govuk-summary-list--no-border' : ''}`}>
      {rows.map((r) => (
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">{r.key}</dt>
          <dd class="govuk-summary-list__value">{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function Tag({ children, colour }: { children: Child; colour?: string }) {
  return <strong class={`govuk-tag${colour ? ` govuk-tag--${colour}` : ''}`}>{children}</strong>;
}

export function Table({ caption, head, rows, id }: { caption?: string; head: string[]; rows: Child[][]; id?: string }) {
  return (
    <table class="govuk-table" id={id}>
      {caption ? <caption class="govuk-table__caption govuk-table__caption--m">{caption}</caption> : null}
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          {head.map((h) => (
            <th scope="col" class="govuk-table__header">
              {h}
            </th>
          ))}
        </tr>
      </thead>
      <tbody class="govuk-table__body">
        {rows.map((r) => (
          <tr class="govuk-table__row">
            {r.map((cell) => (
              <td class="govuk-table__cell">{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function NotificationBanner({ title = 'Success', success = true, children }: { title?: string; success?: boolean; children: Child }) {
  return (
    <div class={`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`} role={success ? 'alert' : 'region'} aria-labelledby="notification-title" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="notification-title">
          {title}
        </h2>
      </div>
      <div class="govuk-notification-banner__content">{children}</div>
    </div>
  );
}

export function WarningText({ children }: { children: Child }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        {children}
      </strong>
    </div>
  );
}

/** A link whose visible text is short but whose accessible name says what it acts on. */
export const ActionLink = ({ href, text, about }: { href: string; text: string; about: string }) => (
  <a class="govuk-link" href={href}>
    {text}
    <span class="govuk-visually-hidden"> {about}</span>
  </a>
);

const STATUS_COLOURS: Record<string, string> = {
  draft: 'yellow',
  published: 'green',
  scheduled: 'blue',
  cancelled: 'red',
  delivered: 'grey',
  withdrawn: 'red',
  listed: 'turquoise',
  active: 'green',
  inactive: 'grey',
};

/** A status as a GOV.UK tag: "Draft", "Published", "Cancelled" and so on. */
export const StatusTag = ({ status }: { status: string }) => <Tag colour={STATUS_COLOURS[status]}>{status[0].toUpperCase() + status.slice(1)}</Tag>;

/** A link styled as a button, for "Add a course" and the like. */
/** Marks a prospectus year brought in from past records (server/history). */
export const ImportedTag = () => <Tag colour="grey">Imported</Tag>;
/** Says, under a heading, that the year's figures are what its imported records held. */
export const ImportedYearNote = ({ importedAt }: { importedAt: Date | null }) =>
  importedAt ? (
    <p class="govuk-body">
      <ImportedTag /> Imported from the partnership’s past records on {formatDate(importedAt)}. It changes only when its records are imported again.
    </p>
  ) : null;

export const ButtonLink = ({ href, children, secondary }: { href: string; children: Child; secondary?: boolean }) => (
  <a href={href} role="button" draggable="false" class={`govuk-button${secondary ? ' govuk-button--secondary' : ''}`} data-module="govuk-button">
    {children}
  </a>
);
