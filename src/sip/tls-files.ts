/**
 * The TLS certificate and key of the SIP edge, from PEM files, kept current: the files are
 * checked every few seconds (a renewal by certbot or an operator replaces them), and a new
 * pair that loads (both parse, the key is the certificate's, OpenSSL accepts them) is
 * handed to the transport; a pair that does not load keeps the one in use and is reported
 * in the status. Polling the files' stat rather than fs.watch: a renewal usually replaces
 * the file (a new inode), which a watch on the old one never sees.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import tls from 'node:tls';
import type { TlsCredentials } from './transport.js';

export interface CertificateStatus {
  cert: string;
  subject: string;
  /** RFC 3339, from the certificate. */
  not_after: string;
  fingerprint_sha256: string;
  /** When this certificate was loaded (the engine's clock). */
  loaded_at: string;
  /** Why the files' latest change was not taken (null: the files in use are the latest). */
  last_error: string | null;
}

export type Loaded = { ok: true; creds: TlsCredentials; info: Omit<CertificateStatus, 'loaded_at' | 'last_error'> } | { ok: false; reason: string };

/** Reads and checks a certificate chain and its key (and the CA bundle for outbound connections). */
export async function loadCertificate(paths: { cert: string; key: string; ca?: string | undefined }): Promise<Loaded> {
  let cert: Buffer;
  let key: Buffer;
  let ca: Buffer | undefined;
  try {
    [cert, key, ca] = await Promise.all([readFile(paths.cert), readFile(paths.key), paths.ca === undefined ? undefined : readFile(paths.ca)]);
  } catch (e) {
    return { ok: false, reason: `cannot read: ${(e as Error).message}` };
  }
  try {
    const x509 = new X509Certificate(cert);
    if (!x509.checkPrivateKey(createPrivateKey(key))) return { ok: false, reason: `${paths.key} is not the key of ${paths.cert}` };
    tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
    const info = { cert: paths.cert, subject: x509.subject.replace(/\n/g, ', '), not_after: new Date(x509.validTo).toISOString(), fingerprint_sha256: x509.fingerprint256 };
    return { ok: true, creds: { cert, key, ...(ca ? { ca } : {}) }, info };
  } catch (e) {
    return { ok: false, reason: `${paths.cert} / ${paths.key}: ${(e as Error).message}` };
  }
}

export class CertificateWatch {
  private timer: NodeJS.Timeout | undefined;
  private seen = '';
  private busy = false;

  private constructor(
    private readonly paths: { cert: string; key: string; ca?: string | undefined },
    private current: CertificateStatus,
    private readonly now: () => number,
    private readonly apply: (creds: TlsCredentials) => void,
  ) {}

  /** Loads the files (rejects with the reason when they do not load: the edge cannot start TLS without them). */
  static async start(paths: { cert: string; key: string; ca?: string | undefined }, o: { everyMs: number; now: () => number; apply: (creds: TlsCredentials) => void }): Promise<{ watch: CertificateWatch; creds: TlsCredentials }> {
    const first = await loadCertificate(paths);
    if (!first.ok) throw new Error(`sip.tls: ${first.reason}`);
    const w = new CertificateWatch(paths, { ...first.info, loaded_at: new Date(o.now()).toISOString(), last_error: null }, o.now, o.apply);
    w.seen = await w.fingerprint();
    w.timer = setInterval(() => void w.check(), o.everyMs);
    w.timer.unref();
    return { watch: w, creds: first.creds };
  }

  get status(): CertificateStatus {
    return { ...this.current };
  }

  /** Looks at the files now: reloads when they changed since the last look. */
  async check(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const f = await this.fingerprint();
      if (f === this.seen) return;
      this.seen = f;
      const next = await loadCertificate(this.paths);
      if (!next.ok) {
        this.current = { ...this.current, last_error: next.reason };
        return;
      }
      this.apply(next.creds);
      this.current = { ...next.info, loaded_at: new Date(this.now()).toISOString(), last_error: null };
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** What identifies the files' versions: inode, size and modification time of each. */
  private async fingerprint(): Promise<string> {
    const parts = await Promise.all([this.paths.cert, this.paths.key, this.paths.ca].map((p) => (p === undefined ? '' : stat(p).then((s) => `${s.ino}/${s.size}/${s.mtimeMs}`, () => 'missing'))));
    return parts.join('|');
  }
}
