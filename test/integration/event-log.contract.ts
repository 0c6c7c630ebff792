/**
 * The contract every EventLog keeps, run against each implementation by
 * event-log.contract.test.ts. Each test opens a fresh, empty log.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BatchHandler, EventLog, LoggedEvent, LogStatus, SubscribeOptions, Subscription } from '../../src/bus/index.js';
import { callEvent, callEvents } from '../support/call-events.js';

/** Subscribes and records what arrives; `until(n)` waits for n events. */
export class Recorder {
  readonly events: LoggedEvent[] = [];
  readonly statuses: LogStatus[] = [];
  readonly batchSizes: number[] = [];
  readonly sub: Subscription;

  constructor(log: EventLog, fromSeq: number, options: SubscribeOptions = {}, inner?: BatchHandler) {
    this.sub = log.subscribe(
      fromSeq,
      async (batch) => {
        await inner?.(batch);
        this.batchSizes.push(batch.length);
        this.events.push(...batch);
      },
      { ...options, onStatus: (s) => this.statuses.push(s) },
    );
  }

  seqs(): number[] {
    return this.events.map((e) => e.seq);
  }

  async until(count: number, timeout = 15_000): Promise<void> {
    await vi.waitFor(() => expect(this.events.length).toBeGreaterThanOrEqual(count), { timeout, interval: 10 });
  }
}

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

/** How a test makes the log's store fail and come back (a full disk, a killed server). */
export interface StoreFaults {
  /** From now on the store fails; an implementation may let the start of the next append through. */
  break(): Promise<void>;
  /** The store works again (the log may take a moment to notice). */
  heal(): Promise<void>;
}

export function eventLogContract(name: string, open: () => Promise<EventLog>, faults: StoreFaults): void {
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    const started: Recorder[] = [];
    const openLog = async () => (log = await open());
    const record = (fromSeq: number, options?: SubscribeOptions, inner?: BatchHandler) => {
      const r = new Recorder(log, fromSeq, options, inner);
      started.push(r);
      return r;
    };
    afterEach(async () => {
      await Promise.all(started.splice(0).map((r) => r.sub.stop()));
      await log?.close();
    });

    it('numbers accepted events 1, 2, 3... and a repeated id changes nothing', async () => {
      await openLog();
      const first = await log.append(callEvents(1, 3));
      expect(first).toEqual([1, 2, 3].map((seq) => ({ status: 'accepted', id: `ev-${seq}`, seq })));
      const again = await log.append([callEvent(2), callEvent(4), callEvent(4)]);
      expect(again).toEqual([
        { status: 'duplicate', id: 'ev-2', seq: 2 },
        { status: 'accepted', id: 'ev-4', seq: 4 },
        { status: 'duplicate', id: 'ev-4', seq: 4 },
      ]);
      expect(await log.lastSeq()).toBe(4);
      expect((await log.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-2', 'ev-3', 'ev-4']);
    });

    it('refuses an invalid event naming the field and rule, and keeps the valid ones around it', async () => {
      await openLog();
      const { call_id: _dropped, ...noCallId } = { ...callEvent(3), id: 'ev-2' } as Record<string, unknown>;
      const results = await log.append([callEvent(1), noCallId, { ...callEvent(3), v: 2 }, 'not an event', callEvent(4)]);
      expect(results[0]).toEqual({ status: 'accepted', id: 'ev-1', seq: 1 });
      expect(results[1]).toMatchObject({ status: 'rejected', id: 'ev-2', problems: [{ field: 'call_id', rule: 'is required' }] });
      expect(results[1]!.status === 'rejected' && results[1]!.message).toContain('call_id');
      expect(results[2]).toMatchObject({ status: 'rejected', id: 'ev-3', problems: [{ field: 'v' }] });
      expect(results[3]).toMatchObject({ status: 'rejected', id: null, problems: [{ field: '(root)' }] });
      expect(results[4]).toEqual({ status: 'accepted', id: 'ev-4', seq: 2 });
      expect((await log.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-4']);
    });

    it('stores the validated event (time normalised to UTC)', async () => {
      await openLog();
      await log.append([{ ...callEvent(1), time: '2026-11-24T10:00:00+01:00' }]);
      expect((await log.read(1))[0]).toEqual({ seq: 1, event: { ...callEvent(1), time: '2026-11-24T09:00:00.000Z' } });
    });

    it('reads ranges from a sequence', async () => {
      await openLog();
      expect(await log.read(1)).toEqual([]);
      expect(await log.lastSeq()).toBe(0);
      await log.append(callEvents(1, 10));
      expect((await log.read(0)).map((e) => e.seq)).toEqual(range(1, 10));
      expect((await log.read(4, 3)).map((e) => e.seq)).toEqual([4, 5, 6]);
      expect((await log.read(9, 100)).map((e) => e.seq)).toEqual([9, 10]);
      expect(await log.read(11)).toEqual([]);
      expect(await log.read(3, 0)).toEqual([]);
    });

    it('delivers history then live events, in order, from 0 and from the middle', async () => {
      await openLog();
      await log.append(callEvents(1, 20));
      const all = record(0, { maxBatch: 7 });
      const tail = record(15);
      await all.until(20);
      await tail.until(6);
      await log.append(callEvents(21, 30));
      await all.until(30);
      await tail.until(16);
      expect(all.seqs()).toEqual(range(1, 30));
      expect(all.events.map((e) => e.event.id)).toEqual(range(1, 30).map((n) => `ev-${n}`));
      expect(Math.max(...all.batchSizes)).toBeLessThanOrEqual(7);
      expect(tail.seqs()).toEqual(range(15, 30));
    });

    it('waits for a slow handler: one call at a time, nothing skipped', async () => {
      await openLog();
      let inFlight = 0;
      let most = 0;
      const slow = record(1, { maxBatch: 5 }, async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 15));
        inFlight--;
      });
      for (let n = 1; n <= 40; n += 4) await log.append(callEvents(n, n + 3));
      await slow.until(40);
      expect(most).toBe(1);
      expect(slow.seqs()).toEqual(range(1, 40));
    });

    it('offers a batch again after the handler threw, and reports it', async () => {
      await openLog();
      let failures = 1;
      const r = record(1, {}, () => {
        if (failures-- > 0) throw new Error('history store unavailable');
      });
      await log.append(callEvents(1, 5));
      await r.until(5);
      expect(r.seqs()).toEqual(range(1, 5));
      expect(r.statuses).toContainEqual(expect.objectContaining({ kind: 'handler_failed', seq: 1, error: 'history store unavailable' }));
    });

    it('stop waits for the handler call in progress, and nothing arrives after', async () => {
      await openLog();
      let release!: () => void;
      let entered!: () => void;
      const inHandler = new Promise<void>((r) => (entered = r));
      let finishedCall = false;
      const r = record(1, {}, async () => {
        entered();
        await new Promise<void>((res) => (release = res));
        finishedCall = true;
      });
      await log.append(callEvents(1, 3));
      await inHandler;
      const stopping = r.sub.stop();
      setTimeout(() => release(), 50);
      await stopping;
      expect(finishedCall).toBe(true);
      const seen = r.events.length;
      await log.append(callEvents(4, 6));
      // A witness subscribed now gets 4..6 by the same delivery path: by then a subscription
      // that had not really stopped would have had them too.
      const witness = record(4);
      await witness.until(3);
      expect(witness.seqs()).toEqual([4, 5, 6]);
      expect(r.events.length).toBe(seen);
    });

    it('a store failure keeps a prefix and answers the rest not_stored; the same append again stores the rest, in order', async () => {
      await openLog();
      const seen = record(1);
      await log.append(callEvents(1, 3));
      await faults.break();
      const inputs = [callEvent(4), callEvent(5), { ...callEvent(6), v: 2 }, callEvent(2), callEvent(7), callEvent(8)];
      const failed = await log.append(inputs);
      expect(failed[2]).toMatchObject({ status: 'rejected', id: 'ev-6' });
      const valid = failed.filter((r) => r.status !== 'rejected');
      const cut = valid.findIndex((r) => r.status === 'not_stored');
      expect(cut).toBeGreaterThanOrEqual(0);
      for (const r of valid.slice(cut)) expect(r).toMatchObject({ status: 'not_stored', cause: { kind: expect.stringMatching(/^(disk_full|write_failed|timeout|unavailable)$/), message: expect.any(String) } });
      expect(valid.slice(0, cut).every((r) => r.status === 'accepted' || r.status === 'duplicate')).toBe(true);
      expect(await log.health()).toMatchObject({ ok: false });

      await faults.heal();
      const stored = valid.slice(0, cut).filter((r) => r.status === 'accepted').map((r) => r.id);
      expect((await log.read(1)).map((e) => e.event.id)).toEqual(['ev-1', 'ev-2', 'ev-3', ...stored]);
      const again = await log.append(inputs);
      expect(again.map((r) => r.status)).toEqual([...[4, 5].map((n) => (stored.includes(`ev-${n}`) ? 'duplicate' : 'accepted')), 'rejected', 'duplicate', 'accepted', 'accepted']);
      const ids = ['ev-1', 'ev-2', 'ev-3', 'ev-4', 'ev-5', 'ev-7', 'ev-8'];
      expect((await log.read(1)).map((e) => e.event.id)).toEqual(ids);
      expect((await log.read(1)).map((e) => e.seq)).toEqual(range(1, 7));
      await seen.until(7);
      expect(seen.events.map((e) => e.event.id)).toEqual(ids);
      expect(await log.health()).toMatchObject({ ok: true });
    });

    it('answers not_stored, not an exception, once closed', async () => {
      await openLog();
      await log.close();
      expect(await log.append([callEvent(1), 'junk'])).toEqual([
        { status: 'not_stored', id: 'ev-1', cause: { kind: 'closed', message: expect.any(String) } },
        expect.objectContaining({ status: 'rejected' }),
      ]);
    });

    it('reports health', async () => {
      await openLog();
      expect(await log.health()).toMatchObject({ ok: true });
    });
  });
}
