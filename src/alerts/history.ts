/**
 * Alert history in ClickHouse (sql/050_alerts.sql): every lifecycle step is appended off the
 * engine's path (batched, retried while the store is down), open alerts are read back at
 * start, and listings older than what memory holds are answered from here.
 */
import type { Alert, AlertFilter } from '../../processors/index.js';
import type { AlertRecords } from '../store/index.js';

const FLUSH_MS = 200;
const RETRY_MS = 2000;
/** Steps held while the store is down; beyond this the oldest are dropped (and counted). */
const MAX_BUFFER = 100_000;

export class AlertHistory {
  private buffer: Array<{ alert: Alert; seq: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  lastError: string | null = null;

  constructor(private readonly records: AlertRecords) {}

  /**
   * Queues a snapshot of the alert as it is now; never waits for the store. `seq`: the log
   * event it was folded from (engines on one stream), 0 for an engine alone.
   */
  record(a: Alert, seq = 0): void {
    // A copy: the book changes its alerts in place, the step is the alert as it is now.
    this.buffer.push({ alert: { ...a }, seq });
    if (this.buffer.length > MAX_BUFFER) {
      this.dropped += this.buffer.length - MAX_BUFFER;
      this.buffer.splice(0, this.buffer.length - MAX_BUFFER);
    }
    this.schedule(FLUSH_MS);
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined || this.flushing !== null) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  /** Writes what is buffered; on failure keeps it and tries again later. */
  flush(): Promise<void> {
    if (this.flushing !== null) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    const rows = this.buffer;
    this.buffer = [];
    this.flushing = (async () => {
      try {
        await this.records.append(rows);
        this.lastError = null;
      } catch (e) {
        this.lastError = (e as Error).message;
        this.buffer = rows.concat(this.buffer);
      } finally {
        this.flushing = null;
      }
      if (this.buffer.length > 0) this.schedule(this.lastError === null ? FLUSH_MS : RETRY_MS);
    })();
    return this.flushing;
  }

  /** Writes everything recorded so far, including steps recorded while a write was under way. */
  async stop(): Promise<void> {
    for (;;) {
      if (this.timer !== undefined) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.flushing === null && this.buffer.length === 0) return;
      await this.flush();
      // The store is down: what is left stays unwritten (lastError says why).
      if (this.flushing === null && this.lastError !== null) return;
    }
  }

  /** Live alerts, and the newest `recent` alerts of all; `complete` when that is all there is. */
  async load(recent: number): Promise<{ alerts: Alert[]; complete: boolean }> {
    const open = await this.records.open();
    const latest = await this.records.newest(recent);
    const byId = new Map<string, Alert>();
    for (const a of [...latest.reverse(), ...open]) byId.set(a.id, a);
    return { alerts: [...byId.values()].sort((x, y) => x.startedAt - y.startedAt), complete: latest.length < recent };
  }

  /** How many alerts of each type ever fired (every alert has one row per step, the same type in each). */
  firedByType(): Promise<Map<string, number>> {
    return this.records.firedByType();
  }

  /** The highest log seq of a recorded step (0: none was folded from the log). */
  recordedThrough(): Promise<number> {
    return this.records.recordedThrough();
  }

  find(id: string): Promise<Alert | null> {
    return this.records.byId(id);
  }

  /** A page of history, newest first, with the total count of matches. */
  list(f: AlertFilter): Promise<{ alerts: Alert[]; total: number }> {
    return this.records.page(f);
  }
}
