// The period fields of the impact pages' GET forms: a prospectus year, or first and last dates
// (folded away unless given). The dashboard's and the answers page's forms share them.
import { Select, TextInput } from '../../web/components';
import type { FieldErrors } from '../shared/errors';

export function PeriodFields({ years, values, errors }: { years: { year: string }[]; values: Partial<Record<'year' | 'from' | 'to', string>>; errors: FieldErrors }) {
  return (
    <>
      <Select name="year" label="Prospectus year" options={years.map((y) => ({ value: y.year, text: y.year }))} value={values.year} placeholder="The current year" error={errors.year} />
      <details class="govuk-details" open={Boolean(values.from || values.to || errors.from || errors.to)}>
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">Or choose dates</span>
        </summary>
        <div class="govuk-details__text">
          <TextInput name="from" label="Sessions from" hint="For example, 2026-04-01" width="10" value={values.from ?? ''} error={errors.from} />
          <TextInput name="to" label="Sessions to (included)" hint="For example, 2027-03-31" width="10" value={values.to ?? ''} error={errors.to} />
        </div>
      </details>
    </>
  );
}
