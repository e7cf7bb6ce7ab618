// wrangler.toml and the code agree: the Worker's cron triggers are the one cron table.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronTable } from '../../jobs/registry';

const toml = readFileSync(resolve(import.meta.dirname, '../../wrangler.toml'), 'utf8');

/** The body of one [table] of a TOML file (enough TOML for this file: no nested tables). */
function table(name: string): string {
  const lines = toml.split('\n');
  const start = lines.findIndex((l) => l.trim() === `[${name}]`);
  if (start < 0) throw new Error(`wrangler.toml has no [${name}]`);
  const end = lines.findIndex((l, i) => i > start && /^\s*\[/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** A top-level string or string-array value: TOML basic strings are JSON strings. */
function value(body: string, key: string): unknown {
  const match = body.match(new RegExp(`^\\s*${key}\\s*=\\s*(.+?)\\s*(#.*)?$`, 'm'));
  if (!match) throw new Error(`wrangler.toml has no ${key}`);
  return JSON.parse(match[1]);
}

const topLevel = toml.split(/^\s*\[/m)[0];

describe('wrangler.toml', () => {
  it('has a cron trigger for exactly the crons in the cron table', () => {
    const crons = value(table('triggers'), 'crons') as string[];
    expect([...crons].sort()).toEqual(cronTable.map((e) => e.cron).sort());
  });

  it('runs server/worker.ts with nodejs_compat (postgres.js and nodemailer need it)', () => {
    expect(value(topLevel, 'main')).toBe('server/worker.ts');
    expect(value(topLevel, 'compatibility_flags')).toContain('nodejs_compat');
  });

  it('keeps secrets out of [vars]', () => {
    const vars = table('vars');
    expect(vars).not.toMatch(/^\s*(SECRET|SMTP_URL|DATABASE_URL)\s*=/m);
    expect(value(vars, 'DEMO')).toBe('false');
  });
});
