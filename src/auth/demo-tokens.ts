/**
 * The demo's tokens (one per role, when no user is configured) are made once and kept in
 * `<data>/auth/demo-tokens.json` (owner-only), so a restart keeps every screen and script
 * signed in; the engine prints them again at each start. Removing the file makes new ones.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { ROLES, type Role } from '../domain/index.js';

export interface DemoToken {
  role: Role;
  name: string;
  token: string;
}

export const DEMO_TOKENS_FILE = 'demo-tokens.json';

/** The kept tokens, or new ones (kept for the next start). */
export async function demoTokens(dataDir: string): Promise<{ tokens: DemoToken[]; kept: boolean; path: string }> {
  const dir = join(dataDir, 'auth');
  const path = join(dir, DEMO_TOKENS_FILE);
  const kept = await readFile(path, 'utf8').then(
    (text) => parse(text),
    () => null,
  );
  if (kept) return { tokens: kept, kept: true, path };
  const tokens = ROLES.map((role) => ({ role, name: `demo-${role}`, token: `demo-${role}-${randomBytes(12).toString('hex')}` }));
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const fh = await open(`${path}.tmp`, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(tokens, null, 2));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(`${path}.tmp`, path);
  return { tokens, kept: false, path };
}

/** The file's tokens when it holds one well-formed token per role; anything else makes new ones. */
function parse(text: string): DemoToken[] | null {
  try {
    const list = JSON.parse(text) as DemoToken[];
    const ok = Array.isArray(list) && ROLES.every((r) => list.some((t) => t?.role === r && typeof t.token === 'string' && t.token.length >= 16 && typeof t.name === 'string'));
    return ok ? ROLES.map((r) => list.find((t) => t.role === r)!) : null;
  } catch {
    return null;
  }
}
