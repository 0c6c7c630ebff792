/**
 * What only the embedded log has to survive: a restart (reload from its NDJSON file) and a
 * crash in the middle of a write (a torn last line).
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DamagedLogFileError, InProcessLog, openEventLog } from '../../src/bus/index.js';
import { callEvent, callEvents } from './event-log.events.js';

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
    await new Promise((r) => setTimeout(r, 20));
    await sub.stop();
    await reopened.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
