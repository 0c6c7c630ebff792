/**
 * The data directory as a person meets it: a damaged log file stops `start` with the
 * command that repairs it, `repair-log` repairs it, and a directory that cannot be written
 * is refused in one sentence naming the path and the permission. One owner per data
 * directory, --nats included.
 */
import { chmod, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { mountTmpfs, type Tmpfs } from '../fixtures/tmpfs.js';
import { callEvent } from '../support/call-events.js';
import { runCli } from '../support/cli.js';
import { startTestEngine, historySettled } from '../support/engine.js';
import { rawClientOf } from '../support/store.js';
import { removeDir } from '../support/temp-dir.js';

const cli = (args: string[], meetPermissions = false) => runCli(args, { meetPermissions });
const dirs: string[] = [];
const tmp = async () => {
  const d = await mkdtemp(join(tmpdir(), 'cc-datadir-'));
  dirs.push(d);
  return d;
};
afterAll(async () => {
  for (const d of dirs) await removeDir(d);
});
const line = (n: number) => JSON.stringify(callEvent(n));

describe('a damaged event log file', () => {
  it('stops start with the repair command; repair-log keeps every readable line in order and moves the rest aside', async () => {
    const data = await tmp();
    const file = join(data, 'events.ndjson');
    // A run that wrote history first: the repair must make it write history again from the top.
    const before = await startTestEngine({ dataDir: data });
    await before.engine.log.append([1, 2, 3, 4, 5].map((n) => callEvent(n)));
    await historySettled(before);
    await before.stop();
    await writeFile(file, [line(1), '{"id": "ev-2", "ty', line(3), JSON.stringify({ ...callEvent(4), v: 9 }), line(5), ''].join('\n') + '{"torn');
    const refused = await cli(['start', '--data', data, '--port', '0', '--host', '127.0.0.1', '--no-sim']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${file}:2: not valid JSON; the event log file is damaged (2 unreadable lines)`);
    expect(refused.stderr).toContain(`cc-supervisor repair-log --data ${data}`);

    const repaired = await cli(['repair-log', '--data', data]);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(/line 2: not valid JSON: moved aside/);
    expect(repaired.stdout).toMatch(/line 4: v .*: moved aside/);
    expect(repaired.stdout).toContain(`kept 3 readable lines in order; moved 3 unreadable to ${file}.unreadable`);
    expect(repaired.stdout).toContain('history will be written again from the log at the next start');
    expect(await readFile(file, 'utf8')).toBe([line(1), line(3), line(5), ''].join('\n'));
    expect(await readFile(`${file}.unreadable`, 'utf8')).toBe(['{"id": "ev-2", "ty', JSON.stringify({ ...callEvent(4), v: 9 }), '{"torn', ''].join('\n'));
    expect((await cli(['repair-log', '--data', data])).stdout).toContain('all 3 lines are readable: nothing to repair');

    const engine = await startTestEngine({ dataDir: data });
    try {
      expect((await engine.engine.log.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-3', 'ev-5']);
      await historySettled(engine);
      // ev-5 is line 3 now: written again at its new position, not skipped past an old checkpoint.
      const rs = await rawClientOf(engine.engine.store).query({ query: "SELECT seq FROM events_raw FINAL WHERE id = 'ev-5'", format: 'JSONEachRow' });
      expect((await rs.json<{ seq: number | string }>()).map((r) => Number(r.seq))).toEqual([3]);
    } finally {
      await engine.stop();
    }
  });
});

describe('a data directory that cannot be written', () => {
  let ro: Tmpfs | { refused: string };
  beforeAll(async () => {
    ro = await mountTmpfs('1m');
    if ('dir' in ro) await ro.remount('ro');
  });
  afterAll(async () => {
    if ('dir' in ro) await ro.unmount();
  });

  it('on a read-only file system: one sentence naming the path', async (ctx) => {
    if (!('dir' in ro)) return ctx.skip(ro.refused);
    const r = await cli(['start', '--data', join(ro.dir, 'data'), '--port', '0', '--host', '127.0.0.1', '--no-sim']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `cc-supervisor: cannot use ${join(ro.dir, 'data')} as the data directory: ${join(ro.dir, 'data')} is on a read-only file system (it needs read and write permission; choose another with --data or CC_DATA_DIR)`,
    );
  });

  it('without write permission: one sentence naming the path, the user and the permission', async () => {
    const parent = await tmp();
    await chmod(parent, 0o555);
    const root = process.getuid?.() === 0;
    const user = process.getuid!();
    // root ignores permissions: run the command as root without the capabilities that let it
    // (as another uid it could not read a checkout cloned into a private directory).
    const data = join(parent, 'data');
    const r = await cli(['replay', '-', '--data', data], root);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `cc-supervisor: cannot use ${data} as the data directory: user ${user} has no write permission on ${data} (it needs read and write permission; choose another with --data or CC_DATA_DIR)`,
    );
  });

  it('under a file: one sentence naming the path', async () => {
    const d = await tmp();
    await writeFile(join(d, 'plain'), 'x');
    const r = await cli(['replay', '-', '--data', join(d, 'plain', 'data')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^cc-supervisor: cannot use ${join(d, 'plain', 'data')} as the data directory: `));
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('one owner per data directory', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNatsServer();
  });
  afterAll(async () => nats?.stop());

  it('with --nats too: a second engine on the same data directory is refused', async () => {
    const data = await tmp();
    await mkdir(data, { recursive: true });
    const first = await startTestEngine({ natsUrl: nats.url, dataDir: data });
    try {
      await expect(startTestEngine({ natsUrl: nats.url, dataDir: data })).rejects.toThrow(`data directory ${data} is in use by pid ${process.pid} (engine)`);
    } finally {
      await first.stop();
    }
    const again = await startTestEngine({ natsUrl: nats.url, dataDir: data });
    await again.stop();
  });
});
