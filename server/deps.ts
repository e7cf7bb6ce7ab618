import type { Database } from '../db/database';
import type { Clock } from './shared/clock';
import type { Config } from './shared/config';
import type { Mailer } from './mail/mailer';
import type { TokenUseBatch } from './accounts/token-uses';

/** What the app is built from; each runtime entry wires these and nothing else. */
export interface AppDeps {
  db: Database;
  mailer: Mailer;
  clock: Clock;
  config: Config;
  /** Told after every write request (which may have queued mail), so a runtime can send it straight away. */
  onMailQueued?: () => void;
  /**
   * Where API tokens' "last used" marks gather to be written together (accounts/token-uses.ts),
   * in a runtime whose app outlives its requests; without it each request writes its own.
   */
  tokenUses?: TokenUseBatch;
  /** The client's address as the runtime knows it (for rate limits). */
  clientAddress?: (request: Request, env: unknown) => string | undefined;
}

/** The dev mailbox exists only in demo mode with mail kept, never sent: it shows everyone's sign-in links. */
export const showsDevMailbox = (deps: Pick<AppDeps, 'config' | 'mailer'>) => deps.config.demo && deps.mailer.kind === 'capture';
