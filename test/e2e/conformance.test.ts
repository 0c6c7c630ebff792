/**
 * The API does what its OpenAPI document says. A real engine serves /cc/openapi.json; for
 * every operation in it, fast-check generates requests from the documented schemas:
 * - valid ones (every documented parameter and body field within its schema) must answer a
 *   documented status with a body that validates against that status's documented schema,
 *   and each operation must succeed (2xx) at least once;
 * - invalid ones (one rule of the schema broken: a bad date-time, a loose integer, a value
 *   out of range or not in the enum, a missing or unknown field or parameter, a body that
 *   is not JSON, not UTF-8, in another charset or media type) must answer the documented
 *   4xx with a problem document (RFC 9457) naming the field;
 * - every method a documented path does not list answers 405 with Allow.
 * Nothing here lists routes: a new operation in the document is fuzzed the same way. The
 * few facts the document cannot carry (which ids exist, which operations need a telephony
 * driver this engine does not run) are the named, commented tables below.
 *
 * Reproduce a failure with the seed it prints: CC_CONFORMANCE_SEED=<n> npx vitest run test/e2e/conformance.test.ts
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowed } from '../../src/api/contract.js';
import { startApiFixture } from '../support/api-fixture.js';
import type { TestEngine } from '../support/engine.js';
import { DocSchemas, HTTP_METHODS, operationsOf, type Doc, type Operation, type Parameter } from '../support/openapi-doc.js';
import { BAD_INTEGERS, BAD_TIMES, SchemaFuzz, type Schema } from '../support/schema-fuzz.js';
import { TEST_NOW } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const SEED = Number(process.env.CC_CONFORMANCE_SEED ?? 16);
const VALID_RUNS = 16;
const INVALID_RUNS = 16;

/**
 * Operations whose success needs a telephony driver. This engine runs without one (the
 * simulator is off, so nothing but the test changes its calls): they must answer 503, which
 * they document; their successes are tested with the simulator as driver in callcontrol.test.ts.
 */
const NEEDS_DRIVER = new Set(['submitAfterCallWork', 'transferCall', 'completeConsultation', 'cancelConsultation', 'endCall', 'holdCall', 'resumeCall', 'setAgentState']);

/**
 * Operations that need what this engine is not given: a SIP edge (getSipStatus is 404
 * without one) or an agent's own token (setOwnAgentState, requestHelp and cancelHelp are
 * 404 for any other), or an open help request (joinHelpRequest). Their successes are tested
 * in sip-edge.test.ts, test/sip/register.test.ts and help.test.ts.
 */
const NEEDS_SETUP = new Set(['getSipStatus', 'setOwnAgentState', 'requestHelp', 'cancelHelp', 'joinHelpRequest']);

/**
 * Operations whose success needs a real WebRTC peer: a generated string is never an SDP offer
 * a peer made, and no leg exists to end or trickle to. Their failures are fuzzed here like any
 * other's; their successes are tested with werift peers and Chromium (webrtc-gateway.test.ts,
 * browser-media.test.ts, test/browser/monitoring.test.ts).
 */
const NEEDS_PEER = new Set(['openBrowserMedia', 'endBrowserMedia', 'trickleBrowserMedia']);

/**
 * POST /cc/events judges each event on its own (documented): an event that breaks its schema
 * is a rejected result (200, or 422 when none was accepted) naming the field, not a problem.
 */
const PER_ITEM_RESULTS = new Set(['ingestEvents']);

let t: TestEngine;
let doc: Doc;
let schemas: DocSchemas;
let fuzz: SchemaFuzz;

/**
 * Values that exist in this engine, by parameter name: the schema says an id is a string, not
 * which strings name something (zones: which names are zones). Ids seen in 2xx answers join
 * them as the run goes (a session started by one request is switched and stopped by later ones).
 */
let pools: Record<string, string[]>;

beforeAll(async () => {
  const f = await startApiFixture();
  t = f.t;
  doc = f.doc;
  pools = {
    ...Object.fromEntries(Object.entries(f.ids).map(([k, v]) => [k, [...v]])),
    consult_id: [],
    tz: ['UTC', 'utc', 'Europe/Paris', 'europe/paris', 'Asia/Kolkata', 'America/New_York'],
  };
  schemas = new DocSchemas(doc);
  // Date-times in a 40-day window around the engine's "now": from < to half the time, and
  // within every report's span limit most of the time.
  const time = fc
    .tuple(fc.integer({ min: -20 * 86_400, max: 20 * 86_400 }), fc.constantFrom('Z', '.000Z', '.5Z', '+01:00', '-05:30', '+14:00', 'z'))
    .map(([s, zone]) => rfc3339(TEST_NOW + s * 1000, zone));
  fuzz = new SchemaFuzz(doc, { time });
});
afterAll(async () => t?.stop());

/** `ms` written with the offset (or fraction) `zone`. */
function rfc3339(ms: number, zone: string): string {
  const m = /^([+-])(\d\d):(\d\d)$/.exec(zone);
  if (!m) return new Date(ms).toISOString().slice(0, 19) + zone;
  const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return new Date(ms + offset).toISOString().slice(0, 19) + zone;
}

interface Req {
  op: Operation;
  path: Array<[string, string]>;
  query: Array<[string, string]>;
  body?: { type: string; value?: unknown; raw?: string | Uint8Array };
}

const url = (r: Req) => {
  let p = r.op.path;
  for (const [k, v] of r.path) p = p.replace(`{${k}}`, encodeURIComponent(v));
  return r.query.length ? `${p}?${new URLSearchParams(r.query)}` : p;
};
const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
const show = (r: Req) => `${r.op.method.toUpperCase()} ${url(r)}${r.body ? ` [${r.body.type}] ${String(r.body.raw ?? text(r.body.value)).slice(0, 160)}` : ''}`;

function send(r: Req): Promise<Response> {
  const headers: Record<string, string> = {};
  let body: string | Uint8Array | undefined;
  if (r.body) {
    headers['content-type'] = r.body.type;
    body = r.body.raw ?? (r.body.value === undefined ? undefined : JSON.stringify(r.body.value));
  }
  return t.req(url(r), { method: r.op.method.toUpperCase(), headers, ...(body === undefined ? {} : { body: body as BodyInit }), as: 'admin' });
}

/** A parameter's value: often one that exists (pools), otherwise anything its schema allows. */
function paramValue(p: Parameter): fc.Arbitrary<string> {
  const fromSchema = fuzz.valid(p.schema).map((v) => (typeof v === 'string' ? v : String(v)));
  // URL normalisation removes "." and ".." path segments before any server sees them.
  const schemaOnly = p.in === 'path' ? fromSchema.filter((v) => v !== '.' && v !== '..') : fromSchema;
  const pool = pools[p.name];
  if (!pool) return schemaOnly;
  const known = fc.nat().map((i) => pool[i % pool.length]!);
  return fc.oneof({ arbitrary: schemaOnly, weight: 1 }, { arbitrary: pool.length ? known : schemaOnly, weight: 3 });
}

function validRequest(op: Operation): fc.Arbitrary<Req> {
  const inPath = op.parameters.filter((p) => p.in === 'path').map((p) => paramValue(p).map((v) => [p.name, v] as [string, string]));
  const inQuery = op.parameters
    .filter((p) => p.in === 'query')
    .map((p) => {
      const pair = paramValue(p).map((v) => [p.name, v] as [string, string]);
      return p.required ? pair : fc.option(pair, { nil: undefined, freq: 2 });
    });
  const content = op.requestBody?.content ?? {};
  const types = Object.keys(content);
  const bodyOf = (type: string) => fuzz.valid(content[type]!.schema).map((value) => (type.includes('json') && !type.includes('ndjson') ? { type, value } : { type, raw: text(value) }));
  const preferred = types.includes('application/json') ? 'application/json' : types[0];
  const body = preferred === undefined
    ? fc.constant(undefined)
    : fc.oneof({ arbitrary: bodyOf(preferred), weight: 4 }, ...types.filter((x) => x !== preferred).map((x) => ({ arbitrary: bodyOf(x), weight: 1 })));
  const maybeBody = op.requestBody?.required ? body : fc.option(body, { nil: undefined, freq: 3 });
  return fc.tuple(fc.tuple(...inPath), fc.tuple(...inQuery), maybeBody).map(([path, query, b]) => ({
    op,
    path,
    query: query.filter((q): q is [string, string] => q !== undefined),
    ...(b ? { body: b } : {}),
  }));
}

interface Broken {
  req: Req;
  kind: string;
  /** The field the problem must name (null: the rule is about the request as a whole). */
  field: string | null;
  status: 400 | 415;
  /** Broken inside one item of a per-item body: [item index, field in it]. */
  item?: [number, string];
}

const setQuery = (r: Req, name: string, value: string | null): Req => ({
  ...r,
  query: [...r.query.filter(([k]) => k !== name), ...(value === null ? [] : [[name, value] as [string, string]])],
});

/** Every way to break this valid request in one place. */
function breakages(r: Req): Broken[] {
  const out: Broken[] = [];
  for (const p of r.op.parameters.filter((x) => x.in === 'query')) {
    const s = fuzz.resolve(p.schema);
    const bad: string[] = [];
    if (s.type === 'integer') bad.push(...BAD_INTEGERS, ...(typeof s.minimum === 'number' ? [String(s.minimum - 1)] : []), ...(typeof s.maximum === 'number' ? [String(s.maximum + 1)] : []));
    if (Array.isArray(s.enum)) bad.push(`not-${String(s.enum[0])}`);
    if (s.format === 'date-time') bad.push(...BAD_TIMES);
    if (typeof s.maxLength === 'number') bad.push('x'.repeat(s.maxLength + 1));
    if (typeof s.minLength === 'number' && s.minLength > 0) bad.push('');
    for (const v of bad) out.push({ req: setQuery(r, p.name, v), kind: `query ${p.name}=${JSON.stringify(v)}`, field: p.name, status: 400 });
    if (p.required) out.push({ req: setQuery(r, p.name, null), kind: `query ${p.name} left out`, field: p.name, status: 400 });
    const given = r.query.find(([k]) => k === p.name);
    if (given) out.push({ req: { ...r, query: [...r.query, given] }, kind: `query ${p.name} given twice`, field: p.name, status: 400 });
  }
  out.push({ req: setQuery(r, 'unknown_param', '1'), kind: 'an undocumented query parameter', field: 'unknown_param', status: 400 });
  out.push({ req: setQuery(r, 'queue[]', 'x'), kind: 'queue[]=x', field: 'queue[]', status: 400 });

  const rb = r.op.requestBody;
  if (!rb) return out;
  const type = r.body?.type ?? Object.keys(rb.content)[0]!;
  const json = type.includes('json') && !type.includes('ndjson');
  const withBody = (body: Req['body']): Req => ({ ...r, ...(body ? { body } : {}) });
  const raw = r.body?.raw ?? (r.body?.value === undefined ? '{}' : JSON.stringify(r.body.value));
  if (rb.required) out.push({ req: { ...r, body: { type, raw: '' } }, kind: 'no body', field: '(body)', status: 400 });
  out.push({ req: withBody({ type: 'text/plain', raw }), kind: 'text/plain', field: null, status: 415 });
  out.push({ req: withBody({ type: `${type}; charset=utf-16`, raw }), kind: 'charset=utf-16', field: null, status: 415 });
  out.push({ req: withBody({ type, raw: Uint8Array.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) }), kind: 'bytes that are not UTF-8', field: '(body)', status: 400 });
  if (json) out.push({ req: withBody({ type, raw: '{"' }), kind: 'not JSON', field: null, status: 400 });
  if (json && r.body?.value !== undefined) {
    const perItem = PER_ITEM_RESULTS.has(r.op.operationId);
    const value = r.body.value;
    for (const v of fuzz.violations(rb.content[type]!.schema, value, [], (s, x) => schemas.fits(s, x))) {
      const broken = withBody({ type, value: v.apply(value) });
      const field = v.field.length ? v.field.join('.') : '(root)';
      if (!perItem) out.push({ req: broken, kind: `body ${field}: ${v.kind}`, field, status: 400 });
      else if (v.field.length > 0) {
        // The item is the whole body (one event) or an element of it (a list of events).
        const [first, ...rest] = v.field;
        const item: [number, string] = Array.isArray(value) && typeof first === 'number' ? [first, rest.join('.')] : [0, v.field.join('.')];
        if (item[1] !== '') out.push({ req: broken, kind: `body ${field}: ${v.kind}`, field, status: 400, item });
      }
    }
  }
  return out;
}

/** Why the answer to a valid request does not conform, or null. */
async function checkAnswer(r: Req, res: Response): Promise<string | null> {
  const status = String(res.status);
  const documented = r.op.responses[status];
  if (!documented) return `${status} is not a documented status (${Object.keys(r.op.responses).join(', ')})`;
  const content = documented.content ?? {};
  const body = await res.text();
  if (Object.keys(content).length === 0) return body === '' ? null : `a ${status} documented without content has a body`;
  const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!content[type]) return `content-type ${type} is not documented for ${status} (${Object.keys(content).join(', ')})`;
  const value = type.includes('json') ? JSON.parse(body) : body;
  const v = schemas.at('paths', r.op.path, r.op.method, 'responses', status, 'content', type, 'schema');
  return v(value) ? null : `the ${status} body does not validate: ${DocSchemas.explain(v)}: ${body.slice(0, 200)}`;
}

/**
 * Ids in a 2xx body join the pools of the parameters named like them. An `event` member is
 * an event as logged (GET /cc/events/rejected lists refused ones): its ids name nothing.
 */
function harvest(value: unknown): void {
  if (Array.isArray(value)) return value.slice(0, 20).forEach(harvest);
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'event') continue;
    if (typeof v === 'string' && pools[k] && !pools[k]!.includes(v) && pools[k]!.length < 50) pools[k]!.push(v);
    else harvest(v);
  }
}

describe('the API against its OpenAPI document', () => {
  it('lints clean enough to fuzz: every operation has an operationId, a role and responses', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(20);
    for (const o of ops) {
      expect(o.operationId, `${o.method} ${o.path}`).not.toMatch(/ /);
      expect(o.role, o.operationId).toMatch(/^(viewer|supervisor|manager|admin)$/);
    }
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
  });

  it('passes Redocly lint with the recommended rules (redocly.yaml), no error and no warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cc-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const cli = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
      // Offline: no telemetry, no update check (the suite talks to loopback only).
      const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', CI: 'true' };
      const run = await promisify(execFile)(process.execPath, [cli, 'lint', '--config', 'redocly.yaml', '--format', 'json', file], { env, maxBuffer: 64 << 20 }).catch(
        (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
      );
      const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
      expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await removeDir(dir);
    }
  });

  it(`every operation: valid requests answer as documented, invalid ones a documented 4xx problem naming the field (seed ${SEED})`, async () => {
    const failures: string[] = [];
    const successes = new Map<string, number>();
    let sent = 0;
    for (const [i, op] of operationsOf(doc).entries()) {
      const seed = SEED * 1000 + i;
      for (const r of fc.sample(validRequest(op), { seed, numRuns: VALID_RUNS })) {
        const res = await send(r);
        sent++;
        if (process.env.CC_CONFORMANCE_LOG) console.log('V', op.operationId, res.status, show(r).slice(0, 150));
        if ([401, 403, 405, 413, 415].includes(res.status)) failures.push(`${op.operationId}: valid ${show(r)} → ${res.status} ${(await res.text()).slice(0, 200)}`);
        else if (res.status >= 200 && res.status < 300) {
          successes.set(op.operationId, (successes.get(op.operationId) ?? 0) + 1);
          const copy = res.clone();
          if ((res.headers.get('content-type') ?? '').includes('json')) harvest(await copy.json());
        }
        const why = await checkAnswer(r, res);
        if (why) failures.push(`${op.operationId}: valid ${show(r)} → ${why}`);
      }
      const picks = fc.sample(fc.tuple(validRequest(op), fc.nat()), { seed: seed + 500, numRuns: INVALID_RUNS });
      for (const [r, n] of picks) {
        const all = breakages(r);
        const b = all[n % all.length]!;
        const res = await send(b.req);
        sent++;
        if (process.env.CC_CONFORMANCE_LOG) console.log('B', op.operationId, res.status, b.kind.slice(0, 80));
        const why = await checkBroken(b, res);
        if (why) failures.push(`${op.operationId}: ${b.kind}: ${show(b.req)} → ${why}`);
      }
    }
    for (const op of operationsOf(doc)) {
      const ok = successes.get(op.operationId) ?? 0;
      if (ok === 0 && !NEEDS_DRIVER.has(op.operationId) && !NEEDS_PEER.has(op.operationId) && !NEEDS_SETUP.has(op.operationId)) failures.push(`${op.operationId}: no valid request of ${VALID_RUNS} succeeded`);
      if (ok > 0 && NEEDS_DRIVER.has(op.operationId)) failures.push(`${op.operationId}: succeeded without a driver: take it out of NEEDS_DRIVER`);
    }
    expect(sent).toBeGreaterThan(operationsOf(doc).length * (VALID_RUNS + INVALID_RUNS) - 1);
    expect(failures.slice(0, 40), `${failures.length} failures; reproduce with CC_CONFORMANCE_SEED=${SEED}`).toEqual([]);
  });

  it('every method a documented path does not list answers 405 with Allow, and so do the open paths', async () => {
    const failures: string[] = [];
    const paths = Object.entries(doc.paths).map(([p, item]) => [p, Object.keys(item).filter((m) => (HTTP_METHODS as readonly string[]).includes(m)) as string[]] as const);
    const open = ['/healthz', '/readyz', '/metrics', '/cc/openapi.json'].map((p) => [p, ['get'] as string[]] as const);
    for (const [template, methods] of [...paths, ...open]) {
      const concrete = template.replace(/\{[^}]+\}/g, 'x1');
      for (const m of [...HTTP_METHODS, 'options'].filter((x) => !methods.includes(x))) {
        const res = await t.req(concrete, { method: m.toUpperCase(), as: 'admin' });
        const allow = res.headers.get('allow');
        if (res.status !== 405 || allow !== allowed(methods)) failures.push(`${m.toUpperCase()} ${concrete} → ${res.status} Allow: ${allow}`);
        else if (!(res.headers.get('content-type') ?? '').includes('problem+json')) failures.push(`${m.toUpperCase()} ${concrete}: the 405 is not a problem document`);
      }
    }
    expect(failures).toEqual([]);
  });
});

/** Why the answer to a broken request is not the documented refusal, or null. */
async function checkBroken(b: Broken, res: Response): Promise<string | null> {
  const why = await checkAnswer(b.req, res.clone());
  if (why) return why;
  if (b.item) {
    // Per-item results: the broken item is rejected, naming its field.
    if (res.status !== 200 && res.status !== 422) return `${res.status}, not a per-item result (200 or 422)`;
    const results = (await res.json()).results as Array<{ index: number; status: string; reason?: string }>;
    const hit = results.find((x) => x.index === b.item![0]);
    if (hit?.status !== 'rejected') return `item ${b.item[0]} was ${hit?.status ?? 'missing'}, not rejected`;
    return hit.reason?.includes(b.item[1]) ? null : `the reason "${hit.reason}" does not name ${b.item[1]}`;
  }
  if (res.status !== b.status) return `${res.status}, not ${b.status}: ${(await res.text()).slice(0, 200)}`;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('application/problem+json')) return `not a problem document (${type})`;
  const problem = (await res.json()) as { detail: string; errors?: Array<{ field: string }> };
  if (b.field !== null && !problem.errors?.some((e) => e.field === b.field)) return `the problem does not name ${b.field}: ${JSON.stringify(problem)}`;
  return null;
}
