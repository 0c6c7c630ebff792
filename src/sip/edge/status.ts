/**
 * The SIP edge's status as a value: where it listens, each phone account's registered
 * contacts (and where they registered from), calls, RTP packet counts, refusals.
 */
import type { RtpTotals } from '../rtp/leg.js';
import type { CertificateStatus } from '../tls-files.js';
import type { TransportHealth } from '../transport.js';
import type { EdgeContext } from './context.js';

export interface SipStatus {
  listen: string;
  transport: string;
  /** SIP over TLS: where, and the certificate in use (null: no TLS). */
  tls: (CertificateStatus & { listen: string }) | null;
  registrations: Array<{ user: string; kind: 'agent' | 'user'; id: string; contacts: Array<{ contact: string; transport: string; source: string; expires_s: number }> }>;
  calls: number;
  rtp_port_pairs: number;
  /** Calls each media worker holds (empty without workers). */
  media_workers: number[];
  /** Media workers that stopped without being asked, and why (empty while all run). */
  media_workers_stopped: Array<{ worker: number; reason: string }>;
  rtp: RtpTotals;
  keepalives: { sent: number; dead_flows: number };
  transactions: number;
  malformed_dropped: number;
  malformed_answered_400: number;
  refused: Record<string, number>;
}

export function edgeStatus(ctx: EdgeContext, calls: number, transport: TransportHealth, certificate: CertificateStatus | null): SipStatus {
  const now = ctx.clock.now();
  const registrations = ctx.directory.accounts().map((a) => ({
    user: a.user,
    kind: a.kind,
    id: a.id,
    contacts: ctx.registrar.bindings(a.user, now).map((b) => ({ contact: b.contact, transport: b.flow.transport, source: `${b.flow.address}:${b.flow.port}`, expires_s: Math.round((b.expiresAt - now) / 1000) })),
  }));
  return {
    listen: `${ctx.host}:${ctx.port}`,
    transport: transport.ok ? transport.detail : transport.reason,
    tls: certificate && { listen: `${ctx.host}:${ctx.tlsPort}`, ...certificate },
    registrations,
    calls,
    rtp_port_pairs: ctx.media.inUse,
    media_workers: ctx.media.relay?.load() ?? [],
    media_workers_stopped: ctx.media.relay?.health().failed ?? [],
    rtp: ctx.media.totals(),
    keepalives: { sent: ctx.keepalive.totals.sent, dead_flows: ctx.keepalive.totals.dead },
    transactions: ctx.stack.size,
    malformed_dropped: ctx.stats.malformed,
    malformed_answered_400: ctx.stats.answered400,
    refused: { ...ctx.stats.refused },
  };
}
