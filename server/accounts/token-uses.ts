import { sql } from 'drizzle-orm';
import type { Database } from '../../db/database';

// An API token's "last used" tells its owner (and the retention rules) that it is still in
// use; it is worth a minute's precision, not a commit of its own on every request. A request
// finds whether its token's mark is due (sessions.ts); the mark is then written straight away,
// or, where the app outlives its requests (Node), gathered and written a second later with the
// others in one statement. A crash loses at most that second's marks.

export interface TokenUse {
  tokenId: string;
  at: Date;
}

/**
 * Writes the marks in one statement; a mark never moves a token's "last used" back. Sent in the
 * tokens' order, so two processes' batches tend to lock the rows they share in the same order
 * (a deadlock all the same fails one batch, whose marks go with the next: see tokenUsesInBatches).
 */
export async function writeTokenUses(db: Database, uses: TokenUse[]) {
  if (!uses.length) return;
  const sorted = uses.toSorted((a, b) => (a.tokenId < b.tokenId ? -1 : a.tokenId > b.tokenId ? 1 : 0));
  const rows = JSON.stringify(sorted.map((use) => ({ id: use.tokenId, at: use.at.toISOString() })));
  await db.execute(sql`
    update api_tokens t set last_used_at = greatest(t.last_used_at, u.at)
    from jsonb_to_recordset(${rows}::jsonb) as u(id uuid, at timestamptz)
    where t.id = u.id`);
}

/** Marks gathered for a moment and written together. */
export interface TokenUseBatch {
  mark(use: TokenUse): void;
  /** Writes what is gathered now (and waits for a write under way): before the database closes. */
  flush(): Promise<void>;
}

/**
 * Gathers marks for `delayMs` after the first, then writes them in one statement. A failed write
 * keeps its marks for the next (the latest per token), and is reported to `onError`.
 */
export function tokenUsesInBatches(db: Database, options: { delayMs: number; onError: (error: unknown) => void }): TokenUseBatch {
  let gathered = new Map<string, Date>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();

  const keep = (tokenId: string, at: Date) => {
    const known = gathered.get(tokenId);
    if (!known || known < at) gathered.set(tokenId, at);
    if (timer) return;
    // Nobody waits on a write the timer starts: a failure has been reported to onError already.
    timer = setTimeout(() => void write().catch(() => {}), options.delayMs);
    // Gathered marks never keep a finished process alive: flush writes them on the way out.
    (timer as { unref?: () => void }).unref?.();
  };
  const write = () => {
    clearTimeout(timer);
    timer = undefined;
    const taken = gathered;
    gathered = new Map();
    // One write at a time (the marks' rows are not fought over, and flush waits for the one under
    // way); a write whose onError threw does not stop the next.
    writing = writing.catch(() => {}).then(async () => {
      try {
        await writeTokenUses(db, Array.from(taken, ([tokenId, at]) => ({ tokenId, at })));
      } catch (error) {
        for (const [tokenId, at] of taken) keep(tokenId, at);
        options.onError(error);
      }
    });
    return writing;
  };

  return {
    mark: ({ tokenId, at }) => keep(tokenId, at),
    flush: write,
  };
}
