/**
 * What the OpenAPI document promises of every operation, enforced in one place, after
 * authentication and before any route's own validators, so a new route gets it without
 * writing it again:
 * - the role the operation names (`x-cc-role`), checked before its parameters, body or
 *   existence, so a viewer learns neither what a valid body is nor which sessions exist;
 * - no query parameter the operation does not document (`queue[]=x`, a typo), refused by
 *   name rather than silently ignored;
 * - a body where it requires one, in a media type it lists, in UTF-8 (no other charset),
 *   and valid UTF-8 (never silently turned into U+FFFD);
 * - 405 with `Allow` for a method the path does not list.
 * Paths match as OpenAPI says: a literal segment before a template (`/cc/calls/active`
 * before `/cc/calls/{call_id}`).
 */
import type { MiddlewareHandler } from 'hono';
import type { Role } from '../domain/index.js';
import { hasRole, type AppEnv } from './auth.js';
import { ApiError } from './problem.js';

/** The extension naming an operation's least role; every /cc operation carries one. */
export const ROLE_KEY = 'x-cc-role';

interface DocOperation {
  [ROLE_KEY]?: Role;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { required?: boolean; content?: Record<string, unknown> };
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, DocOperation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface PathEntry {
  template: string;
  segments: Array<string | null>; // null: a {parameter}
  ops: Map<string, DocOperation>;
}

/** The methods a path answers, for `Allow` (HEAD wherever GET is: Hono answers it from GET). */
export function allowed(methods: Iterable<string>): string {
  const set = new Set([...methods].map((m) => m.toUpperCase()));
  if (set.has('GET')) set.add('HEAD');
  return [...set].join(', ');
}

/** A 405 naming what the path does answer. */
export function methodNotAllowed(method: string, path: string, allow: string): ApiError {
  return new ApiError(405, `${method} is not a method of ${path}; it answers ${allow}`, undefined, { allow });
}

function compile(doc: OpenApiDoc): PathEntry[] {
  return Object.entries(doc.paths).map(([template, item]) => ({
    template,
    segments: template.split('/').map((s) => (/^\{.+\}$/.test(s) ? null : s)),
    ops: new Map(Object.entries(item).filter(([m]) => METHODS.includes(m))),
  }));
}

/** The document's path for a request path: literal segments win over templates, left to right. */
function match(entries: PathEntry[], path: string): PathEntry | undefined {
  const parts = path.split('/');
  let best: PathEntry | undefined;
  let bestScore = '';
  for (const e of entries) {
    if (e.segments.length !== parts.length) continue;
    let score = '';
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const seg = e.segments[i];
      if (seg === null) ok = parts[i] !== '';
      else ok = seg === parts[i];
      score += seg === null ? '0' : '1';
    }
    if (ok && score > bestScore) [best, bestScore] = [e, score];
  }
  return best;
}

/** The media type without parameters, lower case; and its charset, if any. */
function mediaType(header: string): { type: string; charset: string | null } {
  const [type = '', ...params] = header.split(';').map((s) => s.trim());
  const charset = params.map((p) => /^charset\s*=\s*"?([^";]*)"?$/i.exec(p)?.[1]).find((v) => v !== undefined) ?? null;
  return { type: type.toLowerCase(), charset: charset?.toLowerCase() ?? null };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The middleware, over the document `doc()` returns (read once, at the first request: the
 * routes are all mounted by then).
 */
export function enforceContract(doc: () => OpenApiDoc): MiddlewareHandler<AppEnv> {
  let entries: PathEntry[] | undefined;
  return async (c, next) => {
    entries ??= compile(doc());
    const path = new URL(c.req.url).pathname;
    const entry = match(entries, path);
    if (!entry) return next(); // not a documented path: the routes (or 404) answer
    const method = c.req.method === 'HEAD' ? 'get' : c.req.method.toLowerCase();
    const op = entry.ops.get(method);
    if (!op) throw methodNotAllowed(c.req.method, entry.template, allowed(entry.ops.keys()));

    const user = c.get('user');
    const role = op[ROLE_KEY] ?? 'viewer';
    if (!hasRole(user, role)) throw new ApiError(403, `this needs the ${role} role or above; ${user.name} is ${user.role}`);

    const known = new Set((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name));
    const unknown = Object.keys(c.req.queries()).filter((k) => !known.has(k));
    if (unknown.length > 0) {
      const list = known.size > 0 ? `its parameters are ${[...known].join(', ')}` : 'it takes no query parameters';
      throw new ApiError(
        400,
        `${unknown.map((k) => `"${k}"`).join(', ')} ${unknown.length > 1 ? 'are not parameters' : 'is not a parameter'} of ${c.req.method} ${entry.template}: ${list}`,
        unknown.map((k) => ({ field: k, rule: 'is not a parameter of this operation' })),
      );
    }
    if (op.requestBody) await checkBody(c.req, op.requestBody);
    return next();
  };
}

async function checkBody(req: { header(name: string): string | undefined; arrayBuffer(): Promise<ArrayBuffer> }, body: NonNullable<DocOperation['requestBody']>) {
  const types = Object.keys(body.content ?? {});
  const header = req.header('content-type');
  const bytes = new Uint8Array(await req.arrayBuffer());
  if (bytes.length === 0) {
    if (body.required) throw new ApiError(400, `a request body is required (${types.join(' or ')})`, [{ field: '(body)', rule: 'is required' }]);
    return;
  }
  const { type, charset } = mediaType(header ?? '');
  if (!types.includes(type)) {
    throw new ApiError(415, `content-type ${header ? `"${header}"` : '(none)'} is not accepted here; send ${types.join(' or ')}`, [{ field: 'content-type', rule: `must be ${types.join(' or ')}` }]);
  }
  if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
    throw new ApiError(415, `charset ${charset} is not accepted; send UTF-8 (charset=utf-8 or none)`, [{ field: 'content-type', rule: 'charset must be utf-8' }]);
  }
  try {
    UTF8.decode(bytes);
  } catch {
    throw new ApiError(400, 'the body is not valid UTF-8', [{ field: '(body)', rule: 'must be UTF-8' }]);
  }
}

