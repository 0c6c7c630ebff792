/**
 * The HTTP surface: /healthz, /readyz, /metrics (open unless metricsAuth), the /cc API
 * behind bearer auth, its OpenAPI 3.1 document, and the wallboard's static files.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import type { Context, Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { EventLog } from '../bus/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { allowed, ApiError, authenticate, enforceContract, methodNotAllowed, problem, securityHeaders, TokenRegistry, tokensOnly, validationHook, type AppEnv, type Identifies, type OpenApiDoc } from '../api/index.js';
import { eventRoutes, type IngestAdmission } from '../events/index.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string }>;
}

export interface ApiDeps {
  /** Who is asking: bearer tokens (static or the provider's JWTs) and the wallboard's session cookie (src/auth's Authenticator). */
  auth?: Identifies;
  /** Static tokens alone, when there is no `auth` (tests, benchmarks). */
  tokens?: TokenRegistry;
  /** The browser's sign-in routes (/auth/*). */
  authRoutes?: Hono;
  /** Origins that may frame the wallboard (CSP frame-ancestors); empty: none. */
  frameAncestors?: string[];
  /** The page is served over HTTPS (auth.public_url): HSTS too. */
  https?: boolean;
  log: EventLog;
  metrics: EngineMetrics;
  readiness: () => Promise<Readiness>;
  metricsAuth: boolean;
  maxBodyBytes: number;
  /** Further /cc route groups (live views, reports...), each mounted under /cc. */
  routes: Array<OpenAPIHono<AppEnv>>;
  /** The engine's clock and the config's time bounds, for POST /cc/events. */
  admission: IngestAdmission;
  /** The analysts' read-only ClickHouse HTTP interface, mounted at /clickhouse (outside /cc and the document: its contract is ClickHouse's). */
  clickhouse?: Hono;
  /** Serves the wallboard's files for paths outside /cc. */
  wallboard?: (c: Context) => Promise<Response | null>;
}

export function createApp(deps: ApiDeps) {
  const identify = deps.auth ?? tokensOnly(deps.tokens ?? new TokenRegistry());
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.onError((err, c) => {
    if (err instanceof ApiError) return problem(c, err.status, err.message, err.errors, err.headers);
    if (err instanceof HTTPException) return problem(c, err.status, err.message || 'request refused');
    console.error('unhandled error', err);
    return problem(c, 500, 'the engine failed to answer this request; it has been logged');
  });
  app.notFound((c) => problem(c, 404, `no route for ${c.req.method} ${new URL(c.req.url).pathname}`));
  app.use('*', securityHeaders({ frameAncestors: deps.frameAncestors ?? [], https: deps.https ?? false }));
  // What a signed-in user was shown stays out of every cache (the browser's, a proxy's).
  for (const path of ['/cc/*', '/auth/*']) {
    app.use(path, async (c, next) => {
      await next();
      c.res.headers.set('cache-control', 'no-store');
    });
  }

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Open to a load balancer's probe; the details (data directory, peers, seqs) only to a valid token.
  app.get('/readyz', async (c) => {
    const r = await deps.readiness();
    const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
    const known = m !== null && (await identify.bearer(m[1]!)).ok;
    const checks = known ? r.checks : Object.fromEntries(Object.entries(r.checks).map(([k, v]) => [k, { ok: v.ok }]));
    return c.json({ status: r.ready ? 'ready' : 'not_ready', checks }, r.ready ? 200 : 503);
  });
  if (deps.metricsAuth) app.use('/metrics', authenticate(identify));
  app.get('/metrics', async (c) => {
    const { contentType, body } = await deps.metrics.exposition();
    return c.body(body, 200, { 'content-type': contentType });
  });
  // The OpenAPI document is public, like /healthz: it describes the API and holds no data,
  // and tools (client generators, linters) fetch it before they have a token.
  let document: OpenApiDoc | undefined;
  // Cast below: the library types the document as OpenAPI's whole object (paths optional); contract.ts reads only its paths, which every built document has.
  const openApi = () =>
    (document ??= app.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'cc-supervisor API',
        version: '1',
        description:
          "Every /cc operation needs Authorization: Bearer <token> (a static token, or an access token from the configured OpenID Connect provider) and at least the role its x-cc-role names. The wallboard calls it with its session cookie instead, and sends X-CSRF-Token with every call that changes something.",
        license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      },
      // Relative to the document's own address: the engine that served it.
      servers: [{ url: '/', description: 'this engine' }],
      security: [{ bearer: [] }],
    }) as unknown as OpenApiDoc);
  app.get('/cc/openapi.json', (c) => c.json(openApi()));
  // The open paths are outside the document: their 405s are named here.
  for (const path of ['/healthz', '/readyz', '/metrics', '/cc/openapi.json']) {
    app.on(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], path, (c) => {
      throw methodNotAllowed(c.req.method, path, allowed(['get']));
    });
  }

  app.use(
    '/cc/*',
    bodyLimit({
      maxSize: deps.maxBodyBytes,
      onError: () => {
        throw new ApiError(413, `request body is larger than the limit of ${deps.maxBodyBytes} bytes (CC_MAX_BODY_BYTES)`);
      },
    }),
  );
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.use('/cc/*', authenticate(identify));
  app.use('/cc/*', enforceContract(openApi));
  if (deps.authRoutes) {
    app.use('/auth/*', bodyLimit({ maxSize: 16 * 1024, onError: () => { throw new ApiError(413, 'a sign-in request is at most 16 KiB'); } }));
    app.route('/', deps.authRoutes);
  }
  app.route('/cc', eventRoutes(deps.log, deps.admission));
  for (const r of deps.routes) app.route('/cc', r);

  if (deps.clickhouse) app.route('/clickhouse', deps.clickhouse);

  if (deps.wallboard) {
    const serve = deps.wallboard;
    app.get('*', async (c, next) => {
      const res = await serve(c);
      if (res) return res;
      await next();
    });
  }
  return app;
}
export type App = ReturnType<typeof createApp>;
