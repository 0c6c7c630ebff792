/**
 * POST /cc/events until the disk fills, on a real 1 MiB tmpfs data directory (chDB is
 * mounted outside it, so only the event log fills it): every event answered accepted is in
 * the log and in the figures, no event answered otherwise is, the file never holds a torn
 * line, the engine starts again once there is space, and sending the refused bodies again
 * stores the rest in order. Needs mount (root); skipped, saying why, when it is refused.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { mountTmpfs, type Tmpfs } from '../fixtures/tmpfs.js';
import { runCli } from '../support/cli.js';
import { settled, startTestEngine, type TestEngine } from '../support/engine.js';
import { cleanRun, hoursToNow, snapshot } from '../support/views.js';

const CHUNK = 1_000;
type Result = { index: number; id: string | null; status: string; seq?: number | null };

let fs: Tmpfs | { refused: string };
beforeAll(async () => {
  fs = await mountTmpfs('1m');
  if ('dir' in fs) await fs.bindOutside('chdb');
});
afterAll(async () => {
  if ('dir' in fs) await fs.unmount();
});

const post = (t: TestEngine, events: readonly CallEvent[]) =>
  t.req('/cc/events', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: events.map((e) => JSON.stringify(e)).join('\n') });

describe('ingest on a full disk', () => {
  it('acknowledges only what is stored, keeps the file whole, and the engine starts again once there is space', async (ctx) => {
    if (!('dir' in fs)) return ctx.skip(fs.refused);
    const config = demoConfig();
    const events = hoursToNow(11, 3);
    const chunks: CallEvent[][] = [];
    for (let i = 0; i < events.length; i += CHUNK) chunks.push(events.slice(i, i + CHUNK));
    const file = join(fs.dir, 'events.ndjson');

    const accepted: string[] = [];
    const refused = new Set<string>();
    let first = await startTestEngine({ config, dataDir: fs.dir });
    let full = -1;
    for (let c = 0; c < chunks.length && (full < 0 || c <= full + 1); c++) {
      const res = await post(first, chunks[c]!);
      const body = (await res.json()) as { status?: number; cause?: string; results: Result[]; accepted: number; not_stored?: number };
      const statuses = body.results.map((r) => r.status);
      if (res.status === 200) {
        expect(statuses.every((s) => s === 'accepted')).toBe(true);
      } else {
        expect(res.status).toBe(507);
        expect(res.headers.get('content-type')).toBe('application/problem+json');
        expect(res.headers.get('retry-after')).toBe('30');
        expect(body).toMatchObject({ status: 507, cause: 'disk_full' });
        // A prefix is stored, the rest is not; nothing after the first refusal is accepted.
        const cut = statuses.indexOf('not_stored');
        expect(statuses.slice(0, cut).every((s) => s === 'accepted')).toBe(true);
        expect(statuses.slice(cut).every((s) => s === 'not_stored')).toBe(true);
        if (full < 0) {
          full = c;
          expect(cut).toBeGreaterThan(0); // the write that filled the disk stopped short mid-chunk
        }
      }
      for (const r of body.results) (r.status === 'accepted' ? accepted.push(r.id!) : refused.add(r.id!));
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
    }
    expect(full).toBeGreaterThan(0);
    expect(refused.size).toBeGreaterThan(CHUNK);
    expect((await first.req('/readyz')).status).toBe(503);

    // Space again: the engine stops and starts, and holds exactly what was acknowledged.
    await fs.remount('size=16m');
    await first.stop();
    const ids = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids()).toEqual(accepted);
    const second = await startTestEngine({ config, dataDir: fs.dir });
    first = second;
    try {
      await settled(second);
      const now = second.clock.now();
      const byId = new Map(events.map((e) => [e.id, e]));
      const parsed = parseConfig(config);
      expect(snapshot(second.engine.pipeline.runner, now)).toEqual(cleanRun(parsed, accepted.map((id) => byId.get(id)!), now));
      expect((await second.engine.log.read(1)).some((e) => refused.has(e.event.id))).toBe(false);

      // The refused bodies, sent again, store the rest in order: the stored prefix comes back as duplicates.
      for (let c = full; c < chunks.length; c++) expect((await post(second, chunks[c]!)).status).toBe(200);
      await settled(second);
      expect(ids()).toEqual(events.map((e) => e.id));
      expect(snapshot(second.engine.pipeline.runner, now)).toEqual(cleanRun(parsed, events, now));
      expect(Object.keys(second.engine.pipeline.runner.counts.rejected)).toEqual([]);
    } finally {
      await first.stop();
    }
  });

  it('replay stops at the first line it cannot store, says so, and the same command goes on once there is space', async (ctx) => {
    const small = await mountTmpfs('1m');
    if (!('dir' in small)) return ctx.skip(small.refused);
    try {
      const events = hoursToNow(12, 3);
      const input = join(tmpdir(), `cc-replay-${process.pid}.ndjson`);
      writeFileSync(input, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
      try {
        const stopped = await replay(input, small.dir);
        expect(stopped.code).toBe(75);
        const m = /replay stopped at line (\d+) of .*: no space left on the device holding .*events\.ndjson \(disk_full\); the lines before it are stored, in order \((\d+) accepted/.exec(stopped.stderr);
        expect(m, stopped.stderr).not.toBeNull();
        const [line, stored] = [Number(m![1]), Number(m![2])];
        expect(stored).toBe(line - 1);
        const file = join(small.dir, 'events.ndjson');
        const ids = () => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
        expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
        expect(ids()).toEqual(events.slice(0, stored).map((e) => e.id));

        await small.remount('size=16m');
        const done = await replay(input, small.dir);
        expect(done.code, done.stderr).toBe(0);
        expect(done.stdout).toContain(`${events.length - stored} accepted, ${stored} duplicate, 0 rejected`);
        expect(ids()).toEqual(events.map((e) => e.id));
      } finally {
        rmSync(input, { force: true });
      }
    } finally {
      await small.unmount();
    }
  });
});

const replay = (file: string, data: string) => runCli(['replay', file, '--data', data]);
