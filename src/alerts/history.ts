/**
 * Alert history in ClickHouse (sql/050_alerts.sql): every lifecycle step is appended off the
 * engine's path (batched, retried while the store is down), open alerts are read back at
 * start, and listings older than what memory holds are answered from here.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Alert, AlertFilter } from '../../processors/index.js';
import { chTime } from '../store/client.js';
import { storeSql } from '../store/sql-files.js';

const STEP = { firing: 1, acknowledged: 2, resolved: 3 } as const;
const FLUSH_MS = 200;
const RETRY_MS = 2000;
/** Steps held while the store is down; beyond this the oldest are dropped (and counted). */
const MAX_BUFFER = 100_000;

/** An alert statement from sql/store with its slots filled, the column list (sql/store/alert_columns.sql) first. */
const alertSql = (name: string, slots: Record<string, string> = {}) => storeSql(name, { columns: storeSql('alert_columns'), ...slots });

interface Row {
  alert_id: string;
  key: string;
  type: Alert['type'];
  queue: string;
  call_id: string | null;
  state: Alert['state'];
  started_ms: string | number;
  acknowledged_ms: string | number | null;
  acknowledged_by: string | null;
  comment: string | null;
  resolved_ms: string | number | null;
  value: number;
  last_value: number;
  threshold: number;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));
const fromRow = (r: Row): Alert => ({
  detail: null,
  id: r.alert_id,
  key: r.key,
  type: r.type,
  queue: r.queue,
  call: r.call_id,
  state: r.state,
  startedAt: Number(r.started_ms),
  acknowledgedAt: num(r.acknowledged_ms),
  acknowledgedBy: r.acknowledged_by,
  comment: r.comment,
  resolvedAt: num(r.resolved_ms),
  value: Number(r.value),
  lastValue: Number(r.last_value),
  threshold: Number(r.threshold),
});

const toRow = (a: Alert, seq: number) => ({
  alert_id: a.id,
  key: a.key,
  type: a.type,
  queue: a.queue,
  call_id: a.call,
  state: a.state,
  step: STEP[a.state],
  started_at: chTime(a.startedAt),
  acknowledged_at: a.acknowledgedAt === null ? null : chTime(a.acknowledgedAt),
  acknowledged_by: a.acknowledgedBy,
  comment: a.comment,
  resolved_at: a.resolvedAt === null ? null : chTime(a.resolvedAt),
  value: a.value,
  last_value: a.lastValue,
  threshold: a.threshold,
  seq,
});

export class AlertHistory {
  private buffer: object[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | null = null;
  dropped = 0;
  lastError: string | null = null;

  constructor(private readonly client: ClickHouseClient) {}

  /**
   * Queues a snapshot of the alert as it is now; never waits for the store. `seq`: the log
   * event it was folded from (engines on one stream), 0 for an engine alone.
   */
  record(a: Alert, seq = 0): void {
    this.buffer.push(toRow(a, seq));
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
        await this.client.insert({ table: 'alerts', values: rows, format: 'JSONEachRow' });
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
    const open = await this.query(alertSql('alerts_open'), {});
    const latest = await this.query(alertSql('alerts_newest'), { n: recent });
    const byId = new Map<string, Alert>();
    for (const a of [...latest.reverse(), ...open]) byId.set(a.id, a);
    return { alerts: [...byId.values()].sort((x, y) => x.startedAt - y.startedAt), complete: latest.length < recent };
  }

  /** How many alerts of each type ever fired (every alert has one row per step, the same type in each). */
  async firedByType(): Promise<Map<string, number>> {
    const rs = await this.client.query({ query: storeSql('alerts_fired_by_type'), format: 'JSONEachRow' });
    return new Map((await rs.json<{ type: string; n: string | number }>()).map((r) => [r.type, Number(r.n)]));
  }

  /** The highest log seq of a recorded step (0: none was folded from the log). */
  async recordedThrough(): Promise<number> {
    const rs = await this.client.query({ query: storeSql('alerts_recorded_through'), format: 'JSONEachRow' });
    const [row] = await rs.json<{ s: string | number }>();
    return Number(row?.s ?? 0);
  }

  async find(id: string): Promise<Alert | null> {
    const [a] = await this.query(alertSql('alert_by_id'), { id });
    return a ?? null;
  }

  /** A page of history, newest first, with the total count of matches. */
  async list(f: AlertFilter): Promise<{ alerts: Alert[]; total: number }> {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: f.limit, offset: f.offset };
    if (f.state !== undefined) (where.push('state = {state:String}'), (params.state = f.state));
    if (f.queue !== undefined) (where.push('queue = {queue:String}'), (params.queue = f.queue));
    if (f.type !== undefined) (where.push('type = {type:String}'), (params.type = f.type));
    if (f.from !== undefined) (where.push('started_at >= {from:DateTime64(3)}'), (params.from = chTime(f.from)));
    if (f.to !== undefined) (where.push('started_at < {to:DateTime64(3)}'), (params.to = chTime(f.to)));
    if (f.queues != null) (where.push('has({queues:Array(String)}, queue)'), (params.queues = f.queues));
    const cond = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
    const alerts = await this.query(alertSql('alerts_page', { where: cond }), params);
    const rs = await this.client.query({ query: storeSql('alerts_count', { where: cond }), query_params: params, format: 'JSONEachRow' });
    const [row] = await rs.json<{ n: string | number }>();
    return { alerts, total: Number(row?.n ?? 0) };
  }

  private async query(query: string, query_params: Record<string, unknown>): Promise<Alert[]> {
    const rs = await this.client.query({ query, query_params, format: 'JSONEachRow' });
    return (await rs.json<Row>()).map(fromRow);
  }
}
