// Only the entries read the environment, the arguments and the wall clock; everything below them
// is handed config and a clock (DESIGN.md §5), so tests and the Worker can give their own.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRIES = ['server/node.ts', 'server/worker.ts', 'jobs/cli.ts'];
/** The one place the wall clock is read. */
const SYSTEM_CLOCK = 'server/shared/clock.ts';

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === 'web/static' ? [] : sources(path);
    return /\.tsx?$/.test(entry.name) ? [relative('.', path)] : [];
  });
}

const files = ['server', 'web', 'db', 'jobs'].flatMap(sources);
const readers = (pattern: RegExp) => files.filter((file) => pattern.test(readFileSync(join(ROOT, file), 'utf8')));

describe('what only the entries read', () => {
  it('finds the sources it checks, the entries among them', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toEqual(expect.arrayContaining([...ENTRIES, SYSTEM_CLOCK]));
  });

  it('reads process.env and process.argv only in the entries', () => {
    expect(readers(/process\.(env|argv)\b/).filter((file) => !ENTRIES.includes(file))).toEqual([]);
  });

  it('reads the wall clock only in the system clock', () => {
    expect(readers(/new Date\(\)|Date\.now\(\)/).filter((file) => file !== SYSTEM_CLOCK)).toEqual([]);
  });
});
