/**
 * The audit trail: every monitoring session and call action, and every analyst's query
 * through the ClickHouse door, with its outcome, stored in
 * ClickHouse (sql/060_audit.sql) and listed for managers. The interface only appends and
 * lists: there is no way to change or remove an entry.
 */
import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { AuditPage, AuditRecord, AuditRecords } from '../store/index.js';

export const AUDIT_ACTIONS = [
  'monitor.start',
  'monitor.switch',
  'monitor.stop',
  'monitor.cut',
  /** A browser media leg joined a session (POST …/media), and ended (detail.reason). */
  'media.start',
  'media.end',
  'call.note',
  'call.acw',
  'call.consult',
  'call.transfer',
  'consult.complete',
  'consult.cancel',
  'call.end',
  'call.hold',
  'call.resume',
  'agent.state',
  /** An agent's help request (POST /cc/me/help or the phone), its cancel, and a supervisor's answer. */
  'help.request',
  'help.cancel',
  'help.join',
  /** Sign-in (a session opened: company account, static token or display link) and sign-out. */
  'session.sign_in',
  'session.sign_out',
  /** An admin made or revoked a wall screen's display link (detail.link). */
  'display_link.create',
  'display_link.revoke',
  /** An analyst's SQL through the read-only ClickHouse door (/clickhouse): detail.query, its outcome and figures. */
  'history.query',
] as const;

export const AuditEntry = z
  .object({
    id: z.string(),
    time: z.string(),
    /** The user's name (auth.oidc.name_claim for a company account). */
    actor: z.string(),
    /** Who that is at its source: the provider's `sub`, `token:<name>`, `display:<link>` (empty for entries older than subjects). */
    subject: z.string(),
    role: z.string(),
    action: z.enum(AUDIT_ACTIONS),
    call_id: z.string(),
    agent: z.string().nullable(),
    session_id: z.string().nullable(),
    /** The request's own fields (mode, target, category...), as JSON. */
    detail: z.record(z.string(), z.unknown()),
    /** `ok`, `refused` (4xx: the state or the rights did not allow it) or `failed` (the driver failed). */
    outcome: z.enum(['ok', 'refused', 'failed']),
    status: z.number().int(),
    message: z.string(),
  })
  .openapi('AuditEntry');
export type AuditEntry = z.infer<typeof AuditEntry>;
export type AuditInput = Omit<AuditEntry, 'id'>;

/** A page of the trail: the store's own page query (epoch-millisecond bounds, actor, call, limit). */
export type AuditQuery = AuditPage;

export interface AuditLog {
  record(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  list(q: AuditQuery): Promise<AuditEntry[]>;
}

/** The audit trail through the history store's audit port (chDB embedded, or a server). */
export function storedAudit(records: AuditRecords): AuditLog {
  return {
    async record(input) {
      const entry: AuditEntry = { id: randomUUID(), ...input };
      await records.append({ ...entry, agent: entry.agent ?? '', session_id: entry.session_id ?? '', detail: JSON.stringify(entry.detail) });
      return entry;
    },
    list: async (q) => (await records.page(q)).map(fromRow),
  };
}

function fromRow(r: AuditRecord): AuditEntry {
  return {
    id: r.id,
    time: r.time,
    actor: r.actor,
    subject: r.subject ?? '',
    role: r.role,
    action: r.action as AuditEntry['action'],
    call_id: r.call_id,
    agent: r.agent || null,
    session_id: r.session_id || null,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    outcome: r.outcome as AuditEntry['outcome'],
    status: Number(r.status),
    message: r.message,
  };
}
