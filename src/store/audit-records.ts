/**
 * The audit trail's port on the store (sql/060_audit.sql): append one entry, list a page
 * newest first. Nothing here changes or removes an entry. The page's optional conditions are
 * fixed pieces in sql/store/audit_page.sql's `{{where}}` slot, every value bound.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import { chTime } from './client.js';
import { storeSql } from './sql-files.js';

/** An audit entry as stored: `time` ISO 8601 UTC, `detail` JSON text, no agent or session as ''. */
export interface AuditRecord {
  id: string;
  time: string;
  actor: string;
  subject: string;
  role: string;
  action: string;
  call_id: string;
  agent: string;
  session_id: string;
  detail: string;
  outcome: string;
  status: number | string;
  message: string;
}

export interface AuditPage {
  /** Epoch milliseconds. */
  from?: number;
  to?: number;
  actor?: string;
  call_id?: string;
  limit: number;
}

export interface AuditRecords {
  append(entry: AuditRecord): Promise<void>;
  /** Newest first. */
  page(q: AuditPage): Promise<AuditRecord[]>;
}

export function auditRecords(client: ClickHouseClient): AuditRecords {
  return {
    async append(entry) {
      await client.insert({ table: 'supervisor_audit', values: [{ ...entry, time: chTime(entry.time) }], format: 'JSONEachRow' });
    },
    async page(q) {
      const where: string[] = [];
      const params: Record<string, unknown> = { limit: q.limit };
      if (q.from !== undefined) (where.push('time >= {from:DateTime64(3)}'), (params.from = chTime(q.from)));
      if (q.to !== undefined) (where.push('time < {to:DateTime64(3)}'), (params.to = chTime(q.to)));
      if (q.actor) (where.push('actor = {actor:String}'), (params.actor = q.actor));
      if (q.call_id) (where.push('call_id = {call_id:String}'), (params.call_id = q.call_id));
      const rs = await client.query({
        query: storeSql('audit_page', { where: where.length ? `WHERE ${where.join(' AND ')}` : '' }),
        query_params: params,
        format: 'JSONEachRow',
      });
      // ClickHouse answers 'YYYY-MM-DD hh:mm:ss[.mmm]'; the entry's time is ISO 8601 UTC.
      return (await rs.json<AuditRecord>()).map((r) => ({ ...r, time: `${r.time.replace(' ', 'T')}${r.time.includes('.') ? '' : '.000'}Z` }));
    },
  };
}
