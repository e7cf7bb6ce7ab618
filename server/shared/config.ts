import { z } from 'zod';

/** Everything the app may be told from outside. Only the runtime entries read the environment. */
export interface Config {
  /** Demo mode: seeds the demo partnership and shows the dev mailbox. */
  demo: boolean;
  /** Where people reach the app; links in emails start with it. */
  baseUrl: string;
  /** The partnership this deployment serves (its slug). */
  partnership: string;
  /** Signs CSRF tokens. */
  secret: string;
  mailFrom: string;
  cookieSecure: boolean;
  sessionIdleMinutes: number;
  sessionAbsoluteDays: number;
  signInLinkMinutes: number;
  /** Sign-in requests allowed per email and per client address in a window. */
  signInLimitPerEmail: number;
  signInLimitPerAddress: number;
  signInLimitWindowMinutes: number;
  /** Trust X-Forwarded-For for the client's address (behind a proxy you control). */
  trustProxy: boolean;
}

const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const minutes = z.coerce.number().int().positive();

const envSchema = z.object({
  DEMO: flag.optional(),
  BASE_URL: z.url().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  HOST: z.string().default('127.0.0.1'),
  PARTNERSHIP: z.string().min(1).default('rotherham'),
  SECRET: z.string().min(32, 'SECRET must be at least 32 characters').optional(),
  MAIL_FROM: z.string().default('Safeguarding Children Partnership <training@localhost>'),
  COOKIE_SECURE: flag.default(true),
  SESSION_IDLE_MINUTES: minutes.default(60 * 24 * 7),
  SESSION_ABSOLUTE_DAYS: minutes.default(30),
  SIGN_IN_LINK_MINUTES: minutes.default(15),
  SIGN_IN_LIMIT_PER_EMAIL: minutes.default(5),
  SIGN_IN_LIMIT_PER_ADDRESS: minutes.default(30),
  SIGN_IN_LIMIT_WINDOW_MINUTES: minutes.default(15),
  TRUST_PROXY: flag.default(false),
  DATABASE_URL: z.string().optional(),
  DATA_DIR: z.string().default('./data'),
  /** Node server processes answering requests (server/node.ts); more than one needs DATABASE_URL. */
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  SMTP_URL: z.string().optional(),
}).superRefine(
  (env, context) => {
    if (env.WORKERS > 1 && !env.DATABASE_URL)
      context.addIssue({ code: 'custom', path: ['WORKERS'], message: 'more than one needs DATABASE_URL: the embedded database belongs to one process' });
  },
  // Checked beside the other settings' faults too, so every bad value is told at once.
  { when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'WORKERS') },
);

export type Environment = z.infer<typeof envSchema>;

/** A setting is missing or wrong: the message says which, for a person to read (no stack trace needed). */
export class ConfigurationError extends Error {}

/** Reads and checks the environment; a bad value stops start-up with a plain message. */
export function parseEnvironment(env: Record<string, string | undefined>): Environment {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigurationError(`The configuration is not valid:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

export function configFrom(env: Environment, fallbackSecret: () => string): Config {
  const demo = env.DEMO ?? !env.DATABASE_URL;
  if (!demo && !env.SECRET) throw new ConfigurationError('The configuration is not valid:\n  SECRET: set it (32 or more random characters) outside demo mode');
  const baseUrl = (env.BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
  // The demo's dev mailbox shows every email, sign-in links included, to whoever can reach it:
  // a demo that looks deployed runs only when someone asked for it by name.
  if (demo && env.DEMO === undefined && (!LOOPBACK_HOST.test(env.HOST) || baseUrl.startsWith('https:'))) {
    throw new ConfigurationError(
      `The configuration is not valid:\n  DEMO: with no DATABASE_URL this would start the demo, whose dev mailbox shows every email (sign-in links included) to anyone who can reach ${baseUrl.startsWith('https:') ? baseUrl : `${env.HOST}:${env.PORT}`}. Set DATABASE_URL, SECRET and SMTP_URL to run the service, or DEMO=true to run the demo there on purpose.`,
    );
  }
  return {
    demo,
    baseUrl,
    partnership: env.PARTNERSHIP,
    secret: env.SECRET ?? fallbackSecret(),
    mailFrom: env.MAIL_FROM,
    cookieSecure: env.COOKIE_SECURE,
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES,
    sessionAbsoluteDays: env.SESSION_ABSOLUTE_DAYS,
    signInLinkMinutes: env.SIGN_IN_LINK_MINUTES,
    signInLimitPerEmail: env.SIGN_IN_LIMIT_PER_EMAIL,
    signInLimitPerAddress: env.SIGN_IN_LIMIT_PER_ADDRESS,
    signInLimitWindowMinutes: env.SIGN_IN_LIMIT_WINDOW_MINUTES,
    trustProxy: env.TRUST_PROXY,
  };
}
