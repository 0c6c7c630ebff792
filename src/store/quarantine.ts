/**
 * Events set aside: the ones the processors refused (`events_rejected`, written with the
 * history) and the ones a consumer could not store although the store was up
 * (`events_quarantined`). Both are listed for managers (GET /cc/events/rejected and
 * /cc/events/quarantined), newest first.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { storeSql } from './sql-files.js';

export interface QuarantinedRow {
  consumer: string;
  seq: number;
  id: string;
  type: string;
  time: number;
  error: string;
  body: string;
  quarantined_at: number;
}

export interface SetAsideEvent {
  seq: number;
  id: string;
  type: string;
  time: string;
  /** Why the processors refused it, or the store error that made the consumer set it aside. */
  reason: string;
  /** The consumer that set it aside (quarantined events only). */
  consumer?: string;
  at?: string;
  event: unknown;
}

export async function quarantine(client: ClickHouseClient, row: QuarantinedRow): Promise<void> {
  await client.insert({ table: 'events_quarantined', values: [row], format: 'JSONEachRow' });
}

export async function listSetAside(client: ClickHouseClient, which: 'rejected' | 'quarantined', limit: number): Promise<{ total: number; events: SetAsideEvent[] }> {
  const table = which === 'rejected' ? 'events_rejected' : 'events_quarantined';
  const extra = which === 'rejected' ? `reason` : `error AS reason, consumer, toString(toUnixTimestamp64Milli(quarantined_at)) AS at`;
  const rs = await client.query({
    query: storeSql('set_aside', { table, extra }),
    query_params: { limit },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<Record<string, string>>();
  return {
    total: Number(rows[0]?.total ?? 0),
    events: rows.map((r) => ({
      seq: Number(r.seq),
      id: r.id!,
      type: r.type!,
      time: iso(r.time!),
      reason: r.reason!,
      ...(r.consumer === undefined ? {} : { consumer: r.consumer, at: iso(r.at!) }),
      event: safeJson(r.body!),
    })),
  };
}

const iso = (ms: string) => new Date(Number(ms)).toISOString();

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}
