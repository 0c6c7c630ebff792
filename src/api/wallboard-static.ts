/**
 * Serves the built wallboard (wallboard/dist, `npm run build`) for the app's `wallboard`
 * hook: `/` is index.html, other paths map to files inside the folder and nowhere else.
 * Answers null for anything it does not hold, so the app's 404 answers instead.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { ApiError } from './problem.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wav': 'audio/wav',
};

export const WALLBOARD_DIST = fileURLToPath(new URL('../../wallboard/dist/', import.meta.url));

/** @example createApp({ ..., wallboard: wallboardStatic() }) */
export function wallboardStatic(dir: string = WALLBOARD_DIST): (c: Context) => Promise<Response | null> {
  const root = resolve(dir);
  return async (c) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return null;
    const raw = new URL(c.req.url).pathname;
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      // `/%E0%A4%A` names no file: a malformed request, not an engine failure.
      throw new ApiError(400, `the path ${raw} is not valid percent-encoded UTF-8`, [{ field: 'path', rule: 'must be valid percent-encoded UTF-8' }]);
    }
    const rel = path === '/' ? 'index.html' : normalize(path).replace(/^[/\\]+/, '');
    const file = resolve(join(root, rel));
    if (file !== root && !file.startsWith(root + sep)) return null;
    try {
      if (!(await stat(file)).isFile()) return null;
      const body = await readFile(file);
      return new Response(c.req.method === 'HEAD' ? null : body, {
        headers: {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          // The page itself is tiny and must pick up a new build at once; no CDN in front.
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return null;
    }
  };
}
