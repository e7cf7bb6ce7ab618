// Running a command line (npm run admin, npm run jobs) as a child process, as an operator would.
import { execFile } from 'node:child_process';
import { expect } from 'vitest';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node --import tsx <script> ...args` with only the environment given (and never rejects). */
export function runScript(script: string, env: Record<string, string | undefined>, args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { env, timeout: 150_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

export const noStackTrace = (output: string) => expect(output).not.toMatch(/^\s+at /m);
