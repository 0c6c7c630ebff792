/** Starts a real engine in-process (port 0, its own data dir) for end-to-end tests. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine.js';
import { parseSettings } from '../../src/engine/settings.js';
import { parseConfig, shiftedClock, type Clock, type ConfigInput } from '../../src/domain/index.js';
import { sha256 } from '../../src/api/auth.js';
import type { Telephony } from '../../src/callcontrol/index.js';
import { TEST_NOW, waitUntil } from './time.js';
import { removeDir } from './temp-dir.js';

export const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef',
  analyst: 'analyst-token-0123456789abcdef',
  supervisor: 'supervisor-token-0123456789ab',
  manager: 'manager-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdefgh',
  scoped: 'scoped-sales-supervisor-token-01',
} as const;

export interface TestEngine {
  engine: Engine;
  /** The engine's clock (by default real time shifted to start at TEST_NOW). */
  clock: Clock;
  dataDir: string;
  stop(): Promise<void>;
  /** In-process request with a bearer token for one of TOKENS' roles (or none). */
  req(path: string, init?: RequestInit & { as?: keyof typeof TOKENS | null }): Promise<Response>;
}

export interface TestEngineOptions {
  config?: ConfigInput;
  natsUrl?: string;
  /** A data directory to keep (a restart reuses it); by default a fresh one, removed at stop. */
  dataDir?: string;
  sim?: boolean;
  /** The simulator first simulates the day so far (off by default: its cost depends on the hour). */
  catchUp?: boolean;
  clock?: Clock;
  /** A telephony driver outside the engine (one that outlives an engine's restart, as a PBX does). */
  telephony?: () => Telephony | null;
  /** Settings beyond the test defaults (CLI names: snapshotIntervalS, engineName...). */
  settings?: Record<string, unknown>;
  /** Users beyond the test's (e.g. an agent's own token: `agent`), tokens given by their SHA-256. */
  users?: NonNullable<ConfigInput['users']>;
  /** The engine's own lines (start-up, snapshots used or ignored and why). */
  say?: (line: string) => void;
}

export async function startTestEngine(o: TestEngineOptions = {}): Promise<TestEngine> {
  const clock = o.clock ?? shiftedClock(TEST_NOW);
  const dataDir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'cc-engine-')));
  const config = parseConfig({
    ...(o.config ?? {}),
    users: [{ name: 'sales-lead', role: 'supervisor', token_sha256: sha256(TOKENS.scoped), queues: ['sales-queue'] }, ...(o.users ?? [])],
  });
  const settings = parseSettings({
    port: 0,
    host: '127.0.0.1',
    dataDir,
    sim: o.sim ?? false,
    // The simulator's parties play their tones, which tests analyse; the demo's voices are for people.
    simVoices: false,
    simCatchUp: o.catchUp ?? false,
    tokens: (['viewer', 'analyst', 'supervisor', 'manager', 'admin'] as const).map((r) => `${r}-bot:${r}:${TOKENS[r]}`).join(','),
    ...(o.natsUrl ? { natsUrl: o.natsUrl } : {}),
    ...o.settings,
  });
  const engine = await Engine.start({ settings, config, clock, ...(o.telephony ? { telephony: o.telephony } : {}), ...(o.say ? { say: o.say } : {}) });
  return {
    engine,
    clock,
    dataDir,
    async stop() {
      await engine.stop();
      if (!o.dataDir) await removeDir(dataDir);
    },
    req(path, init = {}) {
      const { as = 'admin', ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as) headers.set('authorization', `Bearer ${TOKENS[as]}`);
      return Promise.resolve(engine.app.request(path, { ...rest, headers }));
    },
  };
}

/** Builds CallEvent v1 inputs with unique ids and times relative to a base instant. */
export function eventMaker(base: number) {
  let n = 0;
  return (atS: number, type: string, fields: Record<string, unknown>) => ({
    id: `t-${n++}`,
    type,
    time: new Date(base + atS * 1000).toISOString(),
    source: 'test',
    v: 1,
    ...fields,
  });
}

/** Waits until the processors applied everything appended so far. */
export async function settled(t: TestEngine): Promise<void> {
  const target = await t.engine.log.lastSeq();
  await waitUntil(() => t.engine.pipeline.runner.lastSeq >= target, `the processors to apply seq ${target}`, 20_000, 5);
}

/** Waits until history holds everything appended so far (the writer checkpointed past it). */
export async function historySettled(t: TestEngine): Promise<void> {
  await t.engine.writer.caughtUp(await t.engine.log.lastSeq());
}
