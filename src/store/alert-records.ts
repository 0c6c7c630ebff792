/**
 * The alert history's port on the store (sql/050_alerts.sql, sql/051_alert_rules.sql): append
 * lifecycle steps, read alerts back (open, newest, one, a page) and the counts the metrics
 * restore, and the rule overrides from before they were events. Each statement is a file in
 * sql/store; a page's optional conditions are fixed pieces in its `{{where}}` slot, every value bound.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Alert, AlertFilter } from '../../processors/index.js';
import { chTime } from './client.js';
import { storeSql } from './sql-files.js';

/** A rule override row from before they were events, its time as epoch ms. */
export interface LegacyRuleRow {
  queue: string;
  /** The rules as JSON text. */
  rules: string;
  updated_by: string;
  at: string | number;
}

export interface AlertRecords {
  /** Appends lifecycle steps; `seq` is the log event each was folded from (0 for an engine alone). */
  append(steps: ReadonlyArray<{ alert: Alert; seq: number }>): Promise<void>;
  /** The alerts not resolved yet, oldest first. */
  open(): Promise<Alert[]>;
  /** The newest `n` alerts of all, newest first. */
  newest(n: number): Promise<Alert[]>;
  byId(id: string): Promise<Alert | null>;
  /** A page of history, newest first, with the total count of matches. */
  page(f: AlertFilter): Promise<{ alerts: Alert[]; total: number }>;
  /** How many alerts of each type ever fired. */
  firedByType(): Promise<Map<string, number>>;
  /** The highest log seq of a recorded step (0: none was folded from the log). */
  recordedThrough(): Promise<number>;
  /** The legacy rule overrides, oldest first (none once the table is empty). */
  legacyRules(): Promise<LegacyRuleRow[]>;
  /** Empties the legacy rule overrides' table. */
  clearLegacyRules(): Promise<void>;
}

const STEP = { firing: 1, acknowledged: 2, resolved: 3 } as const;

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

/** The page's conditions, each a fixed piece on a bound parameter. */
function pageWhere(f: AlertFilter): { cond: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit: f.limit, offset: f.offset };
  if (f.state !== undefined) (where.push('state = {state:String}'), (params.state = f.state));
  if (f.queue !== undefined) (where.push('queue = {queue:String}'), (params.queue = f.queue));
  if (f.type !== undefined) (where.push('type = {type:String}'), (params.type = f.type));
  if (f.from !== undefined) (where.push('started_at >= {from:DateTime64(3)}'), (params.from = chTime(f.from)));
  if (f.to !== undefined) (where.push('started_at < {to:DateTime64(3)}'), (params.to = chTime(f.to)));
  if (f.queues != null) (where.push('has({queues:Array(String)}, queue)'), (params.queues = f.queues));
  return { cond: where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`, params };
}

export function alertRecords(client: ClickHouseClient): AlertRecords {
  const alerts = async (query: string, query_params: Record<string, unknown>): Promise<Alert[]> => {
    const rs = await client.query({ query, query_params, format: 'JSONEachRow' });
    return (await rs.json<Row>()).map(fromRow);
  };
  return {
    async append(steps) {
      await client.insert({ table: 'alerts', values: steps.map((s) => toRow(s.alert, s.seq)), format: 'JSONEachRow' });
    },
    open: () => alerts(alertSql('alerts_open'), {}),
    newest: (n) => alerts(alertSql('alerts_newest'), { n }),
    async byId(id) {
      const [a] = await alerts(alertSql('alert_by_id'), { id });
      return a ?? null;
    },
    async page(f) {
      const { cond, params } = pageWhere(f);
      const page = await alerts(alertSql('alerts_page', { where: cond }), params);
      const rs = await client.query({ query: storeSql('alerts_count', { where: cond }), query_params: params, format: 'JSONEachRow' });
      const [row] = await rs.json<{ n: string | number }>();
      return { alerts: page, total: Number(row?.n ?? 0) };
    },
    async firedByType() {
      const rs = await client.query({ query: storeSql('alerts_fired_by_type'), format: 'JSONEachRow' });
      return new Map((await rs.json<{ type: string; n: string | number }>()).map((r) => [r.type, Number(r.n)]));
    },
    async recordedThrough() {
      const rs = await client.query({ query: storeSql('alerts_recorded_through'), format: 'JSONEachRow' });
      const [row] = await rs.json<{ s: string | number }>();
      return Number(row?.s ?? 0);
    },
    async legacyRules() {
      const rs = await client.query({ query: storeSql('legacy_alert_rules'), format: 'JSONEachRow' });
      return rs.json<LegacyRuleRow>();
    },
    async clearLegacyRules() {
      await client.command({ query: storeSql('legacy_alert_rules_clear') });
    },
  };
}
