/** Runs the `cc-supervisor` command as a person would, and what it said and returned. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '../../bin/cc-supervisor.js');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `meetPermissions`: run it as root without the capabilities that let root ignore file
 * permissions (setpriv; needs root). The uid stays 0, so a checkout in a private directory
 * (a `mktemp -d` clone) stays readable, while a directory's mode is obeyed as for anyone.
 */
export function runCli(args: string[], o: { meetPermissions?: boolean } = {}): Promise<Ran> {
  const [cmd, argv] = o.meetPermissions
    ? ['setpriv', ['--bounding-set=-dac_override,-dac_read_search,-fowner', process.execPath, BIN, ...args]]
    : [process.execPath, [BIN, ...args]];
  return new Promise((resolve) => {
    execFile(cmd, argv, { timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
  });
}
