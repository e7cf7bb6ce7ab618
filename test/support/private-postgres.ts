// A PostgreSQL server of a test's own (initdb into a temporary directory, on a loopback port), for
// a test that restarts the database under a running app: the shared test server cannot be
// restarted while other test files use it. Needs the PostgreSQL server binaries (Debian's
// postgresql package, as CI installs); run as root, the server runs as the postgres user, since
// PostgreSQL refuses to run as root.
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The newest installed server's binaries, or undefined. */
function serverBinaries(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

const asRoot = userInfo().uid === 0;
/** Why a private server cannot be started here, or undefined when it can. */
export const privatePostgresUnavailable = (): string | undefined => {
  if (!serverBinaries()) return 'the PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)';
  if (asRoot && !existsSync('/usr/sbin/runuser')) return 'running as root without runuser to start PostgreSQL as another user';
  return undefined;
};

export interface PrivatePostgres {
  /** A superuser URL for the server's `postgres` database. */
  url: string;
  /** `pg_ctl restart -m fast`: every connection is ended, and new ones are refused until it is back. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivatePostgres(port: number): Promise<PrivatePostgres> {
  const bin = serverBinaries()!;
  const dir = mkdtempSync('/tmp/private-postgres-');
  const data = join(dir, 'data');
  if (asRoot) chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout), Number((await run('id', ['-g', 'postgres'])).stdout));
  const pg = (tool: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]) : run(join(bin, tool), args));
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  // Small and fast to restart: nothing durable is needed of a database thrown away after the test.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c shared_buffers=16MB`;
  const ctl = (...args: string[]) => pg('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-t', '60', '-o', options, ...args]);
  await ctl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: async () => void (await ctl('restart', '-m', 'fast')),
    stop: async () => {
      await ctl('stop', '-m', 'immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
