import type { z } from 'zod';
import type { FieldErrors } from '../shared/errors';
import type { AppContext } from './context';
import { postedForm } from './readable';

export type FormValues = Record<string, string | string[]>;

export type Parsed<T> = { ok: true; data: T; values: FormValues } | { ok: false; errors: FieldErrors; values: FormValues };

/** The first message per field, in the schema's order (the error summary's order). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/** Reads a posted form (repeated names become lists) and checks it against a schema. */
export async function parseForm<S extends z.ZodType>(c: AppContext, schema: S): Promise<Parsed<z.infer<S>>> {
  const values: FormValues = {};
  for (const [key, value] of Object.entries(postedForm(c))) {
    if (key === '_csrf') continue;
    if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === 'string');
    else if (typeof value === 'string') values[key] = value;
  }
  const result = schema.safeParse(values);
  return result.success ? { ok: true, data: result.data, values } : { ok: false, errors: fieldErrors(result.error), values };
}

/**
 * The name, current value(s) and error message of each field of a form shown again, to spread
 * on its component: `<TextInput {...field.one('title')} label="Title" />`.
 */
export const fieldsOf = (values: FormValues, errors: Record<string, string>) => ({
  one: (name: string) => ({ name, value: one(values, name), error: errors[name] }),
  many: (name: string) => ({ name, values: many(values, name), error: errors[name] }),
});

/** A form value as one string, for re-filling a field. */
export const one = (values: FormValues, key: string): string => {
  const v = values[key];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
};
/** A form value as a list, for re-ticking checkboxes. */
export const many = (values: FormValues, key: string): string[] => {
  const v = values[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
