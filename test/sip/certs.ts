/**
 * Certificates for TLS tests, made by the test with Debian's openssl (never committed): a
 * throw-away CA, and server certificates it signs for an IP address (subjectAltName
 * IP:…, what a phone checks when it dials an address). openssl runs on the real clock so
 * the validity starts now for the phones, which run on it too; ten years cover any faked
 * suite clock.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { realClockEnv } from '../fixtures/real-clock-env.js';

export interface LabCa {
  dir: string;
  ca: string;
  caKey: string;
}

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, env: realClockEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A CA of the test's own in `dir`. */
export function makeCa(dir: string): LabCa {
  openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=cc-supervisor lab CA'], dir);
  return { dir, ca: join(dir, 'ca.pem'), caKey: join(dir, 'ca.key') };
}

/** A server certificate for `address`, signed by the CA: files `<name>.pem` and `<name>.key`. */
export async function issue(ca: LabCa, name: string, address: string): Promise<{ cert: string; key: string }> {
  const ext = join(ca.dir, `${name}.ext`);
  await writeFile(ext, `subjectAltName=IP:${address}\nextendedKeyUsage=serverAuth\n`);
  openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], ca.dir);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', ca.ca, '-CAkey', ca.caKey, '-CAcreateserial', '-out', `${name}.pem`, '-days', '3650', '-extfile', ext], ca.dir);
  return { cert: join(ca.dir, `${name}.pem`), key: join(ca.dir, `${name}.key`) };
}

/** Whether openssl is here (TLS tests skip with the reason otherwise). */
export function opensslUnavailable(): string | null {
  return spawnSync('sh', ['-c', 'command -v openssl']).status === 0 ? null : 'openssl is not installed';
}
