/**
 * Restart from a snapshot = restart by full replay: the same views at the same instant,
 * before and after more events arrive; and a snapshot that another code version or config
 * took, a damaged one, or one ahead of history, is ignored with its reason (full replay),
 * never trusted. Embedded (data directory) and JetStream (KV) with a real nats-server.
 */
import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { historySettled, settled, startTestEngine, type TestEngine, type TestEngineOptions } from '../support/engine.js';
import { rawClientOf } from '../support/store.js';
import { cleanRun, hoursToNow, snapshot } from '../support/views.js';
import { demoConfig, parseConfig, shiftedClock, type CallEvent } from '../../src/domain/index.js';
import { TEST_NOW } from '../support/time.js';
import { SNAPSHOT_FILE, snapshotHeader } from '../../src/snapshot/index.js';
import { removeDir } from '../support/temp-dir.js';

let nats: NatsServer;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => nats?.stop());

const config = parseConfig(demoConfig());
const events = hoursToNow(21, 3);
const [early, late] = [events.slice(0, Math.floor(events.length * 0.8)), events.slice(Math.floor(events.length * 0.8))];

async function append(t: TestEngine, list: readonly CallEvent[]): Promise<void> {
  for (let i = 0; i < list.length; i += 2000) await t.engine.log.append(list.slice(i, i + 2000));
  await settled(t);
}

/** The engines' clock goes on from one run to the next (a restart does not turn time back). */
let lastNow = TEST_NOW;

/** Starts an engine on `dataDir`, collecting what it says. */
async function start(dataDir: string, extra: TestEngineOptions = {}): Promise<{ t: TestEngine; lines: string[] }> {
  const lines: string[] = [];
  const clock = shiftedClock(lastNow);
  const t = await startTestEngine({ config: demoConfig(), dataDir, clock, say: (l) => lines.push(l), ...extra });
  const stop = t.stop.bind(t);
  t.stop = async () => {
    lastNow = clock.now() + 1;
    await stop();
  };
  await settled(t);
  return { t, lines };
}

/** A run that folds the early events, waits for history to hold them, and stops cleanly (writing the snapshot). */
async function firstRun(dir: string, extra: TestEngineOptions = {}): Promise<void> {
  const first = await start(dir, extra);
  await append(first.t, early);
  await historySettled(first.t);
  await first.t.stop();
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cc-snap-'));
  try {
    await fn(dir);
  } finally {
    await removeDir(dir);
  }
}

describe('restart from a snapshot (embedded)', () => {
  it('a clean stop writes one; the next start begins there and shows what a full replay shows, then and after more events', async () => {
    await withDir(async (dir) => {
      await firstRun(dir);
      const header = snapshotHeader(await readFile(join(dir, SNAPSHOT_FILE)));
      expect(header.ok && header.header.seq).toBe(early.length);

      const second = await start(dir);
      expect(second.t.engine.startedFrom?.seq).toBe(early.length);
      expect(second.lines.some((l) => l.startsWith('starting from snapshot'))).toBe(true);
      const now = second.t.clock.now();
      expect(snapshot(second.t.engine.pipeline.runner, now)).toEqual(cleanRun(config, early, now));
      const ready = await (await second.t.req('/readyz')).json();
      expect(ready.checks.processors.detail).toContain(`started from the snapshot at seq ${early.length}`);

      await append(second.t, late);
      const later = second.t.clock.now();
      expect(snapshot(second.t.engine.pipeline.runner, later)).toEqual(cleanRun(config, events, later));
      // History has every call once: the writer went on from its checkpoint, the snapshot skipped nothing.
      await historySettled(second.t);
      const rs = await rawClientOf(second.t.engine.store).query({ query: 'SELECT count() AS n, uniqExact(call_id) AS u FROM calls FINAL', format: 'JSONEachRow' });
      const [row] = await rs.json<{ n: string; u: string }>();
      const ended = new Set(events.filter((e) => e.type === 'call.ended').map((e) => (e as { call_id: string }).call_id));
      expect(Number(row!.n)).toBe(ended.size);
      expect(Number(row!.u)).toBe(ended.size);
      await second.t.stop();
    });
  });

  it('ignores, saying why, a snapshot of another version or config, a damaged one, and one ahead of history', async () => {
    await withDir(async (dir) => {
      await firstRun(dir);
      const file = join(dir, SNAPSHOT_FILE);
      const good = await readFile(file);
      const nl = good.indexOf(10);
      const header = JSON.parse(good.subarray(0, nl).toString('utf8'));

      const cases: Array<[string, Buffer, RegExp]> = [
        ['another version', Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, fingerprint: 'f'.repeat(64) })}\n`), good.subarray(nl + 1)]), /another version of the engine or another config/],
        ['another format', Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, cc_snapshot: 99 })}\n`), good.subarray(nl + 1)]), /snapshot format 99/],
        ['a flipped byte', Buffer.from(good.map((b, i) => (i === nl + 200 ? b ^ 0xff : b))), /checksum/],
        ['a cut-off body', good.subarray(0, good.length - 100), /damaged/],
        ['ahead of history', Buffer.concat([Buffer.from(`${JSON.stringify({ ...header, seq: header.seq + 10 })}\n`), good.subarray(nl + 1)]), /history is written only through seq/],
      ];
      for (const [what, bytes, reason] of cases) {
        await writeFile(file, bytes);
        const again = await start(dir);
        expect(again.t.engine.startedFrom, what).toBeNull();
        expect(again.lines.find((l) => l.includes('ignored')), what).toMatch(reason);
        const now = again.t.clock.now();
        expect(snapshot(again.t.engine.pipeline.runner, now), what).toEqual(cleanRun(config, early, now));
        await again.t.stop();
      }
      // A changed config is another fingerprint too.
      await writeFile(file, good);
      const other = await start(dir, { config: { ...demoConfig(), timezone: 'Europe/Paris' } });
      expect(other.t.engine.startedFrom).toBeNull();
      expect(other.lines.find((l) => l.includes('ignored'))).toMatch(/another config/);
      await other.t.stop();
    });
  });

  it('a reset history store (deleted chDB) makes the start replay the whole log and backfill it', async () => {
    await withDir(async (dir) => {
      await firstRun(dir);
      await removeDir(join(dir, 'chdb'));
      const second = await start(dir);
      expect(second.t.engine.startedFrom).toBeNull();
      expect(second.lines.find((l) => l.includes('ignored'))).toMatch(/history is written only through seq 0/);
      await historySettled(second.t);
      expect(second.t.engine.writer.status().writtenSeq).toBe(early.length);
      await second.t.stop();
    });
  });
});

describe('restart from a snapshot (JetStream KV)', () => {
  it('an engine on the stream starts from its snapshot in KV and shows what a full replay shows', async () => {
    await withDir(async (dir) => {
      await firstRun(dir, { natsUrl: nats.url, settings: { engineName: 'kv-a' } });
      const second = await start(dir, { natsUrl: nats.url, settings: { engineName: 'kv-a' } });
      expect(second.t.engine.startedFrom?.source).toMatch(/JetStream KV CC_SNAPSHOTS\/kv-a/);
      // On a stream the log also holds the alerts the engine judged (alert.fired, alert.resolved): the full replay is the log's.
      const logged = async () => (await second.t.engine.log.read(1)).map((e) => e.event);
      const now = second.t.clock.now();
      expect(snapshot(second.t.engine.pipeline.runner, now)).toEqual(cleanRun(config, await logged(), now));
      await append(second.t, late);
      const later = second.t.clock.now();
      expect(snapshot(second.t.engine.pipeline.runner, later)).toEqual(cleanRun(config, await logged(), later));
      await second.t.stop();
    });
  });
});
