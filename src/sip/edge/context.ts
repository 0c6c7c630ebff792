/**
 * What every part of the SIP edge shares: the stack and who we are on it, the directory
 * and registrar, the RTP ports, the engine's ACD and clock, and a way to put events in the
 * log. Made once by SipEdge.start and passed to each part.
 */
import type { LiveAcd } from '../../acd/index.js';
import type { CallEvent, Clock, SipConfig } from '../../domain/index.js';
import type { Self } from '../dialog.js';
import type { Directory } from '../directory.js';
import type { NonceIssuer } from '../digest.js';
import type { Registrar } from '../registrar.js';
import type { PortPool } from '../rtp/leg.js';
import type { EdgeMedia } from './placement.js';
import type { SipStack } from '../stack.js';
import type { Flow } from '../transport.js';

export interface EdgeContext {
  sip: SipConfig;
  stack: SipStack;
  /** The address and port in our Via, Contact and SDP. */
  host: string;
  port: number;
  /** The TLS port (0: no TLS). */
  tlsPort: number;
  directory: Directory;
  registrar: Registrar;
  nonces: NonceIssuer;
  /** This thread's RTP ports (ctx.media opens legs where their call is: here or on a media worker). */
  pool: PortPool;
  media: EdgeMedia;
  acd: LiveAcd;
  clock: Clock;
  /** Appends the edge's own events (registrations, failed monitoring) in order with the ACD's. */
  publish(events: CallEvent[]): Promise<void>;
  /** A CallEvent envelope for the edge's events (source `sip`). */
  envelope(): { id: string; time: string; source: 'sip'; v: 1 };
  say(line: string): void;
  /** An agent keyed a feature code on its phone during a call. */
  onFeatureCode(keyed: FeatureCodeKeyed): void;
  stats: EdgeStats;
  keepalive: KeepAlives;
}

/** The keep-alive rounds (keepalive.ts), as the edge and its status use them. */
export interface KeepAlives {
  start(): void;
  stop(): void;
  /** Keep-alives sent and flows found dead. */
  readonly totals: { sent: number; dead: number };
}

export interface FeatureCodeKeyed {
  feature: 'help';
  call: string;
  agent: string;
}

export interface EdgeStats {
  malformed: number;
  answered400: number;
  refused: Record<string, number>;
}

/** Our Contact for a flow's transport (TLS: the TLS port). */
export function contactFor(ctx: Pick<EdgeContext, 'host' | 'port' | 'tlsPort'>, flow: Flow): string {
  const port = flow.transport === 'tls' ? ctx.tlsPort : ctx.port;
  return `<sip:cc@${ctx.host}:${port}${flow.transport === 'udp' ? '' : `;transport=${flow.transport}`}>`;
}

/** Who we are on a flow: the Via's transport and port, and our Contact. */
export function selfFor(ctx: Pick<EdgeContext, 'host' | 'port' | 'tlsPort'>, flow: Flow): Self {
  return { host: ctx.host, port: flow.transport === 'tls' ? ctx.tlsPort : ctx.port, transport: flow.transport, contact: contactFor(ctx, flow) };
}
