/**
 * The command as a person runs it: `start` answers /healthz and stops cleanly on Ctrl-C;
 * `simulate` is byte-identical for a seed; `replay` keeps good lines around a bad one.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { validateEvent } from '../../src/domain/index.js';
import { waitUntil } from '../support/time.js';
import { removeDir } from '../support/temp-dir.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/cc-supervisor.js');
const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'cc-cli-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});

describe('cc-supervisor start', () => {
  it('answers /healthz within 30 s and stops cleanly on SIGINT, leaving a valid data dir', async () => {
    const data = await tmp();
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await waitUntil(() => Number(/wallboard\s+http:\/\/localhost:(\d+)\//.exec(out)?.[1] ?? 0), `the start-up banner (so far: ${out})`, 30_000, 100);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(out).toMatch(/admin\s+demo-admin-[0-9a-f]+/);
    // Let the simulator write something (its agents log in), then Ctrl-C.
    const logged = async () => (await readFile(join(data, 'events.ndjson'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
    await waitUntil(async () => (await logged()) > 40, 'the simulator to log its agents in', 15_000, 50);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('stopped cleanly');
    expect(await readdir(data)).not.toContain('engine.lock');
    const lines = (await readFile(join(data, 'events.ndjson'), 'utf8')).split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(40); // 40 agents log in at least
    for (const line of lines) expect(validateEvent(JSON.parse(line)).ok).toBe(true);
  });
});

describe('cc-supervisor simulate', () => {
  it('gives byte-identical NDJSON for the same seed, every line valid', async () => {
    const d = await tmp();
    const a = join(d, 'a.ndjson');
    const b = join(d, 'b.ndjson');
    await run(process.execPath, [BIN, 'simulate', '--seed', '42', '--hours', '2', '--out', a]);
    await run(process.execPath, [BIN, 'simulate', '--seed', '42', '--hours', '2', '--out', b]);
    const [ta, tb] = [await readFile(a), await readFile(b)];
    expect(ta.length).toBeGreaterThan(10_000);
    expect(ta.equals(tb)).toBe(true);
    for (const line of ta.toString('utf8').split('\n').filter(Boolean)) {
      const v = validateEvent(JSON.parse(line));
      expect(v.ok, line).toBe(true);
    }
    await run(process.execPath, [BIN, 'simulate', '--seed', '43', '--hours', '2', '--out', b]);
    expect((await readFile(b)).equals(ta)).toBe(false);
  });
});

describe('cc-supervisor replay', () => {
  it('refuses an invalid line naming the field and rule, keeps the valid ones, ignores duplicates', async () => {
    const d = await tmp();
    const file = join(d, 'in.ndjson');
    const ev = (id: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ id, type: 'call.arrived', time: '2026-11-24T09:00:00.000Z', source: 'test', v: 1, call_id: `c-${id}`, direction: 'inbound', caller: { number: '+331' }, ...extra });
    await writeFile(file, [ev('e1'), ev('e2', { direction: 'sideways' }), '{not json', ev('e3'), ev('e1')].join('\n') + '\n');
    const data = join(d, 'data');
    const res = await run(process.execPath, [BIN, 'replay', file, '--data', data]).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect((res as { code?: number }).code).toBe(1);
    expect(res.stderr).toMatch(/line 2: rejected: direction .*inbound.*outbound/);
    expect(res.stderr).toMatch(/line 3: rejected: not valid JSON/);
    expect(res.stdout).toContain('2 accepted, 1 duplicate, 2 rejected');
    const kept = (await readFile(join(data, 'events.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l).id);
    expect(kept).toEqual(['e1', 'e3']);
  });
});
