/**
 * What only the embedded log has to survive: a restart (reload from its NDJSON file) and a
 * crash in the middle of a write (a torn last line). A reopened file's lines under its seal
 * are not judged again but read back as the same events; any change to them is found.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DamagedLogFileError, InProcessLog, openEventLog } from '../../src/bus/index.js';
import { sealPath } from '../../src/bus/ndjson-seal.js';
import { waitUntil } from '../support/time.js';
import { callEvent, callEvents } from '../support/call-events.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cc-log-'));
  file = join(dir, 'data', 'events.ndjson');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = () => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

describe('in-process event log file', () => {
  it('reloads every accepted event, and remembers ids, after a restart', async () => {
    const log = await InProcessLog.open({ file });
    await log.append([...callEvents(1, 3), { id: 'broken' }, callEvent(2)]);
    await log.close();
    expect(lines()).toHaveLength(3);

    const reopened = await InProcessLog.open({ file });
    expect(await reopened.lastSeq()).toBe(3);
    expect((await reopened.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-2', 'ev-3']);
    expect(await reopened.append([callEvent(3), callEvent(4)])).toEqual([
      { status: 'duplicate', id: 'ev-3', seq: 3 },
      { status: 'accepted', id: 'ev-4', seq: 4 },
    ]);
    await reopened.close();
    expect(lines()).toHaveLength(4);
  });

  it('drops a torn last line on load, says how many bytes, and appends cleanly after it', async () => {
    const log = await InProcessLog.open({ file });
    await log.append(callEvents(1, 3));
    await log.close();
    appendFileSync(file, JSON.stringify(callEvent(4)).slice(0, 25));

    const warnings: string[] = [];
    const reopened = await InProcessLog.open({ file, onWarning: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/events\.ndjson: cut off a torn last line of 25 bytes/)]);
    expect(await reopened.lastSeq()).toBe(3);
    expect(await reopened.append([callEvent(4)])).toEqual([{ status: 'accepted', id: 'ev-4', seq: 4 }]);
    await reopened.close();
    expect(lines().map((l) => JSON.parse(l).id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    const third = await InProcessLog.open({ file });
    expect(await third.lastSeq()).toBe(4);
    await third.close();
  });

  it('refuses to load a file damaged before its last line, naming the line', async () => {
    const damaged = join(dir, 'events.ndjson');
    writeFileSync(damaged, [JSON.stringify(callEvent(1)), '{"id":', JSON.stringify(callEvent(3)), ''].join('\n'));
    await expect(InProcessLog.open({ file: damaged })).rejects.toThrow(DamagedLogFileError);
    await expect(InProcessLog.open({ file: damaged })).rejects.toThrow(/events\.ndjson:2: not valid JSON/);
    writeFileSync(damaged, [JSON.stringify(callEvent(1)), JSON.stringify({ ...callEvent(3), call_id: '' }), ''].join('\n'));
    await expect(InProcessLog.open({ file: damaged })).rejects.toThrow(/events\.ndjson:2: call_id must not be empty/);
  });

  it('a subscriber started on a reloaded log gets the history, then the new events', async () => {
    const log = await InProcessLog.open({ file });
    await log.append(callEvents(1, 5));
    await log.close();
    const reopened = await openEventLog({ file });
    expect(reopened.kind).toBe('in-process');
    const seen: number[] = [];
    const sub = reopened.subscribe(0, (batch) => void seen.push(...batch.map((e) => e.seq)));
    await reopened.append(callEvents(6, 8));
    await waitUntil(() => seen.length >= 8, 'the history and the new events');
    await sub.stop();
    await reopened.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('a clean close seals the file: the next open parses none of its lines, reads them back as the same events and still knows every id', async () => {
    // Ids a reader must not take off the line's start naively: a quote, a backslash, non-ASCII.
    const odd = [{ ...callEvent(1000), id: 'with "quote"' }, { ...callEvent(1001), id: 'back\\slash' }, { ...callEvent(1002), id: 'ünïcødé-✓' }];
    const log = await InProcessLog.open({ file });
    await log.append([...callEvents(1, 40), ...odd]);
    const before = await log.read(1);
    await log.close();

    const reopened = await InProcessLog.open({ file });
    expect(reopened.loadedFromFile).toEqual({ lines: 43, sealed: 43 });
    expect(await reopened.read(1)).toEqual(before);
    expect(await reopened.read(41, 2)).toEqual(before.slice(40, 42));
    expect(await reopened.append([callEvent(7), ...odd, callEvent(41)])).toEqual([
      { status: 'duplicate', id: 'ev-7', seq: 7 },
      { status: 'duplicate', id: 'with "quote"', seq: 41 },
      { status: 'duplicate', id: 'back\\slash', seq: 42 },
      { status: 'duplicate', id: 'ünïcødé-✓', seq: 43 },
      { status: 'accepted', id: 'ev-41', seq: 44 },
    ]);
    const seen: number[] = [];
    const sub = reopened.subscribe(40, (batch) => void seen.push(...batch.map((e) => e.seq)), { maxBatch: 3 });
    await expect.poll(() => seen.length).toBe(5);
    expect(seen).toEqual([40, 41, 42, 43, 44]);
    await sub.stop();
    await reopened.close();
  });

  it('lines written after the seal (a crash before the close) are judged at the next open', async () => {
    const log = await InProcessLog.open({ file });
    await log.append(callEvents(1, 10));
    await log.close();
    const crashed = await InProcessLog.open({ file });
    await crashed.append(callEvents(11, 20));
    // No close: the seal still covers the first ten lines only.
    const next = await InProcessLog.open({ file });
    expect(next.loadedFromFile).toEqual({ lines: 20, sealed: 10 });
    expect((await next.read(1)).map((e) => e.event.id)).toEqual(callEvents(1, 20).map((e) => e.id));
    await next.close();
    await crashed.close();
    // A damaged line after the seal stops the open as before.
    writeFileSync(file, [...lines().slice(0, 15), '{"id":', ...lines().slice(16), ''].join('\n'));
    await expect(InProcessLog.open({ file })).rejects.toThrow(/events\.ndjson:16: not valid JSON/);
  });

  it('a change under the seal, or a seal of other validation code, makes the open judge every line', async () => {
    const log = await InProcessLog.open({ file });
    await log.append(callEvents(1, 10));
    await log.close();
    const seal = readFileSync(sealPath(file), 'utf8');
    const good = readFileSync(file, 'utf8');
    // One event's time changed, same length: still a valid event, but not the bytes the seal vouched for.
    writeFileSync(file, good.replace('"time":"2026-11-24T09:00:04', '"time":"2026-11-24T09:00:05'));
    const changed = await InProcessLog.open({ file });
    expect(changed.loadedFromFile).toEqual({ lines: 10, sealed: 0 });
    await changed.close();
    // Damage under a seal is found and named, as in a file without one.
    writeFileSync(file, good.replace(JSON.stringify(callEvent(4)), JSON.stringify({ ...callEvent(4), call_id: '' })));
    writeFileSync(sealPath(file), seal);
    await expect(InProcessLog.open({ file })).rejects.toThrow(/events\.ndjson:4: call_id must not be empty/);
    writeFileSync(file, good);
    writeFileSync(sealPath(file), JSON.stringify({ ...JSON.parse(seal), judge: 'another validation code' }));
    const other = await InProcessLog.open({ file });
    expect(other.loadedFromFile).toEqual({ lines: 10, sealed: 0 });
    await other.close();
    // Its open sealed the file again, for this code.
    const again = await InProcessLog.open({ file });
    expect(again.loadedFromFile).toEqual({ lines: 10, sealed: 10 });
    await again.close();
  });
});
