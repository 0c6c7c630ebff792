/**
 * The embedded log on a disk that fails mid-write (an injected file system over real
 * files): a short write or ENOSPC keeps the whole lines that landed and cuts the partial
 * one off; a failed fdatasync keeps nothing of that write; a partial line that could not be
 * cut off is cut before the next write. Whatever happens, the file is a prefix of what was
 * sent, ends on a line boundary, and reloads to exactly what was acknowledged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InProcessLog, type AppendResult } from '../../src/bus/index.js';
import { faultyDisk } from '../fixtures/faulty-file.js';
import { waitUntil } from '../support/time.js';
import { callEvent, callEvents } from '../support/call-events.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cc-disk-'));
  file = join(dir, 'events.ndjson');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const text = () => readFileSync(file, 'utf8');
const lineBytes = (n: number) => JSON.stringify(callEvent(n)).length + 1;
const statuses = (rs: AppendResult[]) => rs.map((r) => (r.status === 'not_stored' ? `not_stored:${r.cause.kind}` : r.status));

describe('in-process log on a failing disk', () => {
  it('a short write then ENOSPC keeps the whole lines that landed, cuts the partial one, answers disk_full', async () => {
    const disk = faultyDisk();
    const log = await InProcessLog.open({ file, openFile: disk.openFile });
    await log.append(callEvents(1, 2));
    disk.failAfter(lineBytes(3) + lineBytes(4) + 10);
    const results = await log.append(callEvents(3, 6));
    expect(statuses(results)).toEqual(['accepted', 'accepted', 'not_stored:disk_full', 'not_stored:disk_full']);
    expect(text().endsWith('\n')).toBe(true);
    expect(text().split('\n').filter(Boolean).map((l) => JSON.parse(l).id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    expect(await log.health()).toMatchObject({ ok: false, reason: expect.stringContaining('no space left') });

    // Still full: nothing more, and nothing torn.
    expect(statuses(await log.append(callEvents(5, 6)))).toEqual(['not_stored:disk_full', 'not_stored:disk_full']);
    expect(await log.lastSeq()).toBe(4);
    disk.heal();
    expect(statuses(await log.append(callEvents(3, 6)))).toEqual(['duplicate', 'duplicate', 'accepted', 'accepted']);
    await log.close();
    const reopened = await InProcessLog.open({ file });
    expect((await reopened.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5', 'ev-6']);
    await reopened.close();
  });

  it('a failed fdatasync keeps nothing of that write (any of it may be lost) and says write_failed', async () => {
    const disk = faultyDisk();
    const log = await InProcessLog.open({ file, openFile: disk.openFile });
    await log.append(callEvents(1, 2));
    disk.failSync();
    expect(statuses(await log.append(callEvents(3, 4)))).toEqual(['not_stored:write_failed', 'not_stored:write_failed']);
    disk.heal();
    expect(text().split('\n').filter(Boolean)).toHaveLength(2);
    expect(statuses(await log.append(callEvents(3, 4)))).toEqual(['accepted', 'accepted']);
    await log.close();
  });

  it('appends queued during a write go out together, each answered for itself and in order', async () => {
    const disk = faultyDisk();
    const log = await InProcessLog.open({ file, openFile: disk.openFile });
    disk.failAfter(lineBytes(1) * 3 + 5);
    const calls = await Promise.all([log.append(callEvents(1, 2)), log.append([callEvent(2), callEvent(3)]), log.append(callEvents(4, 5))]);
    expect(calls.map(statuses)).toEqual([['accepted', 'accepted'], ['duplicate', 'accepted'], ['not_stored:disk_full', 'not_stored:disk_full']]);
    disk.heal();
    await log.close();
    expect(text().split('\n').filter(Boolean).map((l) => JSON.parse(l).id)).toEqual(['ev-1', 'ev-2', 'ev-3']);
  });

  it('an event is handed to subscribers only once it is stored', async () => {
    const disk = faultyDisk();
    const log = await InProcessLog.open({ file, openFile: disk.openFile });
    const seen: string[] = [];
    const sub = log.subscribe(1, (b) => void seen.push(...b.map((e) => e.event.id)));
    disk.failAfter(lineBytes(1) + 3);
    await log.append(callEvents(1, 3));
    disk.heal();
    await log.append(callEvents(1, 4));
    await waitUntil(() => seen.length >= 4, 'the four stored events');
    await sub.stop();
    await log.close();
    expect(seen).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
  });
});
