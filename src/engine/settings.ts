/**
 * Runtime settings: command-line flags over environment variables over defaults, parsed
 * once at the composition root (src/cli.ts) into one typed object.
 */
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { z } from 'zod';
import { describeProblems, problemsOf } from '../domain/index.js';

const Bool = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])])
  .transform((v) => (typeof v === 'boolean' ? v : ['1', 'true', 'yes', 'on'].includes(v)));

export const EngineSettings = z.strictObject({
  configPath: z.string().min(1).optional(),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  dataDir: z.string().min(1).default('data'),
  sim: Bool.default(true),
  /** The simulator first simulates the day so far (history, charts, today's figures); off: it starts at now. */
  simCatchUp: Bool.default(true),
  seed: z.coerce.number().int().optional(),
  natsUrl: z.string().min(1).optional(),
  clickhouseUrl: z.url({ error: 'must be a URL such as http://user:pass@localhost:8123/cc' }).optional(),
  /** CC_TOKENS: `name:role:token,...` for automation; all queues. */
  tokens: z.string().optional(),
  /** CC_OIDC_CLIENT_SECRET: the OpenID Connect client's secret (over auth.oidc.client_secret), kept out of the config file. */
  oidcClientSecret: z.string().min(1).optional(),
  /** CC_SESSION_KEY: the session key (over auth.session_key), 32 bytes in base64url. */
  sessionKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: 'must be 32 bytes in base64url (43 characters)' }).optional(),
  /** Require a bearer token (any role) on /metrics. */
  metricsAuth: Bool.default(false),
  /** Largest request body accepted (POST /cc/events); larger answers 413. */
  maxBodyBytes: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  /** A consumer (history writer) that cannot advance this long makes /readyz answer 503 naming it. */
  stallAfterS: z.coerce.number().positive().default(60),
  /** The IP address supervisors' browser legs (WebRTC) bind and advertise; default: the HTTP host when it is one address, else every address. */
  mediaAddress: z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address, such as 127.0.0.1 or 192.0.2.10' }).optional(),
  /** UDP ports for browser legs, `min-max` (a firewall's range); default: any free port. */
  mediaPorts: z
    .string()
    .regex(/^\d{1,5}-\d{1,5}$/, { error: 'must be min-max, such as 40000-40999' })
    .transform((v) => v.split('-').map(Number) as [number, number])
    .refine(([a, b]) => a >= 1024 && a <= b && b <= 65535, { error: 'must be a range within 1024-65535, min first' })
    .optional(),
  /** The simulated caller and agent speak recorded phrases (false: each plays its test tone). */
  simVoices: Bool.default(true),
  /** CC_SIP / --sip HOST:PORT: run the SIP edge there (over the config's sip.listen). */
  sip: z.string().min(1).optional(),
  /** Snapshots of the processors' state (data directory, or JetStream KV with --nats), so a restart replays only the log after them. */
  snapshots: Bool.default(true),
  /** Seconds between snapshots (one is also written at a clean stop); 0: only at a clean stop. */
  snapshotIntervalS: z.coerce.number().min(0).default(300),
  /** Rewind (`?at=` on the live views): a checkpoint of the processors every this many events. */
  rewindEveryEvents: z.coerce.number().int().min(100).default(100_000),
  /** This engine's name among engines on one stream (its snapshot's key, its history lease); default: the host name. */
  engineName: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1-64 letters, digits, - or _' }).optional(),
  /** Engines on one stream and one ClickHouse: seconds a lapsed history lease (or telephony entry) lasts before another engine takes over. */
  leaseTtlS: z.coerce.number().min(1).max(300).default(10),
  /** Where clients reach this engine directly (named in the 409 of call control sent to another engine). */
  advertiseUrl: z.url({ error: 'must be a URL such as http://engine-a:8080' }).optional(),
  /** The analysts' door (/clickhouse, embedded history): seconds a query may run before the engine stops it. */
  analyticsMaxExecutionS: z.coerce.number().int().min(1).max(3600).default(30),
  /** Megabytes of memory one analyst query may use. */
  analyticsMaxMemoryMb: z.coerce.number().int().min(16).max(1_048_576).default(1024),
  /** Rows one analyst query may answer (more is an error, not a cut answer). */
  analyticsMaxResultRows: z.coerce.number().int().min(1).default(1_000_000),
  /** Megabytes one analyst query may answer. */
  analyticsMaxResultMb: z.coerce.number().int().min(1).max(4096).default(256),
  /** Rows one analyst query may read. */
  analyticsMaxRowsToRead: z.coerce.number().int().min(1).default(1_000_000_000),
  /** Threads one analyst query may use (the engine's own work keeps the rest). */
  analyticsMaxThreads: z.coerce.number().int().min(1).max(256).default(2),
  /** Analyst queries running at once; one more answers 429 until one ends. */
  analyticsMaxConcurrent: z.coerce.number().int().min(1).max(32).default(2),
});
export type EngineSettings = z.output<typeof EngineSettings>;

/** Environment variables the engine reads, all here, nowhere else. */
export function settingsFromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const pick: Record<string, string | undefined> = {
    configPath: env.CC_CONFIG,
    port: env.CC_PORT ?? env.PORT,
    host: env.CC_HOST,
    dataDir: env.CC_DATA_DIR,
    sim: env.CC_SIM,
    simCatchUp: env.CC_SIM_CATCH_UP,
    seed: env.CC_SEED,
    natsUrl: env.NATS_URL,
    clickhouseUrl: env.CLICKHOUSE_URL,
    tokens: env.CC_TOKENS,
    oidcClientSecret: env.CC_OIDC_CLIENT_SECRET,
    sessionKey: env.CC_SESSION_KEY,
    metricsAuth: env.CC_METRICS_AUTH,
    maxBodyBytes: env.CC_MAX_BODY_BYTES,
    stallAfterS: env.CC_STALL_AFTER_S,
    mediaAddress: env.CC_MEDIA_ADDRESS,
    mediaPorts: env.CC_MEDIA_PORTS,
    simVoices: env.CC_SIM_VOICES,
    sip: env.CC_SIP,
    snapshots: env.CC_SNAPSHOTS,
    snapshotIntervalS: env.CC_SNAPSHOT_INTERVAL_S,
    rewindEveryEvents: env.CC_REWIND_EVERY_EVENTS,
    engineName: env.CC_ENGINE_NAME,
    leaseTtlS: env.CC_LEASE_TTL_S,
    advertiseUrl: env.CC_ADVERTISE_URL,
    analyticsMaxExecutionS: env.CC_ANALYTICS_MAX_EXECUTION_S,
    analyticsMaxMemoryMb: env.CC_ANALYTICS_MAX_MEMORY_MB,
    analyticsMaxResultRows: env.CC_ANALYTICS_MAX_RESULT_ROWS,
    analyticsMaxResultMb: env.CC_ANALYTICS_MAX_RESULT_MB,
    analyticsMaxRowsToRead: env.CC_ANALYTICS_MAX_ROWS_TO_READ,
    analyticsMaxThreads: env.CC_ANALYTICS_MAX_THREADS,
    analyticsMaxConcurrent: env.CC_ANALYTICS_MAX_CONCURRENT,
  };
  return Object.fromEntries(Object.entries(pick).filter(([, v]) => v !== undefined && v !== ''));
}

export function parseSettings(raw: Record<string, unknown>): EngineSettings {
  const parsed = EngineSettings.safeParse(raw);
  if (!parsed.success) throw new Error(`settings: ${describeProblems(problemsOf(parsed.error))}`);
  return parsed.data;
}

/** The engine's name among engines on one stream: CC_ENGINE_NAME, else the host name (as a key token). */
export function engineNameOf(s: EngineSettings): string {
  return s.engineName ?? (hostname().replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'engine');
}

/** Where browser legs bind: CC_MEDIA_ADDRESS, else the HTTP host when it is one IP address, else every address (null). */
export function mediaAddressOf(s: EngineSettings): string | null {
  if (s.mediaAddress) return s.mediaAddress;
  return isIP(s.host) !== 0 && s.host !== '0.0.0.0' && s.host !== '::' ? s.host : null;
}

/** The analysts' door's limits from the settings. */
export function analystLimitsOf(s: EngineSettings) {
  return {
    maxExecutionS: s.analyticsMaxExecutionS,
    maxMemoryBytes: s.analyticsMaxMemoryMb * 1024 * 1024,
    maxResultRows: s.analyticsMaxResultRows,
    maxResultBytes: s.analyticsMaxResultMb * 1024 * 1024,
    maxRowsToRead: s.analyticsMaxRowsToRead,
    maxThreads: s.analyticsMaxThreads,
    maxConcurrent: s.analyticsMaxConcurrent,
  };
}
