/** Runs the `cc-supervisor` command as a person would, and what it said and returned. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/cc-supervisor.js');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** `asUser`: run it under another uid (setpriv; needs root), e.g. to meet permissions root ignores. */
export function runCli(args: string[], o: { asUser?: number } = {}): Promise<Ran> {
  const [cmd, argv] =
    o.asUser === undefined ? [process.execPath, [BIN, ...args]] : ['setpriv', [`--reuid=${o.asUser}`, `--regid=${o.asUser}`, '--clear-groups', process.execPath, BIN, ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
