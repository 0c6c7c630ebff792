/**
 * The session key: 32 random bytes, given in the config (engines behind one address share
 * it) or made once in `<data>/auth/session.key` (owner-only). It signs the session cookie
 * (HMAC, so a forged cookie is refused before any lookup) and encrypts, with jose (JWE,
 * `dir` + A256GCM), the sign-in transaction cookie and the provider tokens a session keeps.
 * A new key signs everyone out; nothing else depends on it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compactDecrypt, CompactEncrypt, EncryptJWT, jwtDecrypt } from 'jose';

export const KEY_FILE = 'session.key';

/** 32 bytes (HMAC-SHA256 and A256GCM both take it as it is). */
export type SessionKey = Uint8Array<ArrayBuffer>;
const asKey = (b: Buffer): SessionKey => new Uint8Array(b);

/** The configured key, else the data directory's (made at the first start). */
export async function sessionKey(dataDir: string, configured: string | undefined): Promise<SessionKey> {
  if (configured) return asKey(Buffer.from(configured, 'base64url'));
  const dir = join(dataDir, 'auth');
  const path = join(dir, KEY_FILE);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const fh = await open(path, 'wx', 0o600);
    try {
      await fh.writeFile(randomBytes(32).toString('base64url'));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const key = Buffer.from((await readFile(path, 'utf8')).trim(), 'base64url');
  if (key.length !== 32) throw new Error(`${path} does not hold a 32-byte key in base64url; remove it to make a new one (everyone signs in again)`);
  return asKey(key);
}

/** Encrypts what a session keeps of the provider (refresh and ID tokens). */
export async function seal(key: SessionKey, value: unknown): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(value))).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).encrypt(key);
}

export async function unseal<T>(key: SessionKey, jwe: string): Promise<T> {
  const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
  return JSON.parse(new TextDecoder().decode(plaintext)) as T;
}

/** An encrypted, expiring token (the sign-in transaction's cookie). `now`: the engine's clock. */
export async function sealExpiring(key: SessionKey, claims: Record<string, unknown>, now: number, ttlS: number): Promise<string> {
  const iat = Math.floor(now / 1000);
  return new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256GCM' }).setIssuedAt(iat).setExpirationTime(iat + ttlS).encrypt(key);
}

/** The claims of sealExpiring's token, or null when it is not one of ours or has expired. */
export async function unsealExpiring<T>(key: SessionKey, token: string, now: number): Promise<T | null> {
  try {
    const { payload } = await jwtDecrypt(token, key, { currentDate: new Date(now), keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    return payload as T;
  } catch {
    return null;
  }
}
