/**
 * The SIP edge: a registrar for agents' and supervisors' phones, inbound calls from trunks
 * and phones to the queues' numbers, and a B2BUA whose legs' RTP runs through each call's
 * audio room. It takes part in calls through the engine's live ACD (commands) and follows
 * the log (events), and gives the rooms the phones of real parties (PartyPhones).
 */
import { randomBytes } from 'node:crypto';
import type { LiveAcd } from '../../acd/index.js';
import type { CallEvent, Clock, Config, SipConfig } from '../../domain/index.js';
import type { CallRoom, Endpoint, PartyRole } from '../../media/index.js';
import { responseTo } from '../build.js';
import { dialogKey, requestDialogKey } from '../dialog.js';
import { NonceIssuer } from '../digest.js';
import { Directory } from '../directory.js';
import { parseNameAddr } from '../headers.js';
import { header, type SipRequest, type SipResponse } from '../message.js';
import { RateLimit } from '../rate.js';
import { Registrar } from '../registrar.js';
import { PortPool } from '../rtp/leg.js';
import { RelayPool } from '../rtp/relay-pool.js';
import { SipStack, type ServerTx } from '../stack.js';
import { SipTransport } from '../transport.js';
import { CertificateWatch } from '../tls-files.js';
import { SipCalls } from './calls.js';
import type { EdgeContext, FeatureCodeKeyed } from './context.js';
import { inboundCall } from './inbound.js';
import { KeepAlive } from './keepalive.js';
import type { Leg, LegEnd } from './leg.js';
import { Reactor } from './reactor.js';
import { Registrations } from './register.js';
import { edgeStatus, type SipStatus } from './status.js';
import { EdgeMedia } from './placement.js';

export type { SipStatus } from './status.js';

export interface SipEdgeOptions {
  config: Config;
  /** The edge's settings (config.sip, with --sip's address over its listen). */
  sip: SipConfig;
  acd: LiveAcd;
  clock: Clock;
  /** The log as the processors applied it: the edge reacts to every event. */
  feed: { onChange(l: (changed: unknown, events: ReadonlyArray<{ seq: number; event: CallEvent }>) => void): () => void };
  say?: (line: string) => void;
  /** An agent keyed a feature code (sip.feature_codes) on its phone during a call. */
  onFeatureCode?: (keyed: FeatureCodeKeyed) => void;
}

export type EdgeHealth = { ok: true; detail: string } | { ok: false; reason: string };

export class SipEdge {
  private readonly cancelled = new WeakSet<SipRequest>();
  private off: () => void = () => {};

  private constructor(
    private readonly ctx: EdgeContext,
    private readonly transport: SipTransport,
    private readonly calls: SipCalls,
    private readonly regs: Registrations,
    private readonly reactor: Reactor,
    private readonly certificate: CertificateWatch | null,
  ) {}

  static async start(o: SipEdgeOptions): Promise<SipEdge> {
    const transport = new SipTransport(o.sip.listen.host);
    await transport.start(o.sip.listen.port);
    let certificate: CertificateWatch | null = null;
    if (o.sip.tls) {
      const t = o.sip.tls;
      const w = await CertificateWatch.start(t, { everyMs: t.reload_check_s * 1000, now: () => o.clock.now(), apply: (creds) => transport.setTlsCredentials(creds) }).catch(async (e: unknown) => {
        await transport.stop();
        throw e;
      });
      certificate = w.watch;
      await transport.startTls(t.port, w.creds);
    }
    const media = await startMedia(o).catch(async (e: unknown) => {
      certificate?.stop();
      await transport.stop();
      throw e;
    });
    let n = 0;
    const prefix = `sip-${randomBytes(4).toString('hex')}-`;
    const ctx = {
      sip: o.sip,
      host: o.sip.listen.host,
      port: transport.port,
      tlsPort: transport.tlsPort,
      directory: new Directory(o.config),
      registrar: new Registrar({ minExpiresS: o.sip.registration.min_expires_s, maxExpiresS: o.sip.registration.max_expires_s, contactsPerUser: o.sip.limits.contacts_per_user, registrationsPerAddress: o.sip.limits.registrations_per_address }),
      nonces: new NonceIssuer(),
      pool: media.ports,
      media,
      acd: o.acd,
      clock: o.clock,
      publish: (events: CallEvent[]) => o.acd.publish(events),
      envelope: () => ({ id: `${prefix}${++n}`, time: new Date(o.acd.now()).toISOString(), source: 'sip' as const, v: 1 as const }),
      say: o.say ?? (() => {}),
      onFeatureCode: o.onFeatureCode ?? (() => {}),
      stats: { malformed: 0, answered400: 0, refused: {} },
    } as EdgeContext;
    const limit = new RateLimit(o.sip.limits.requests_per_s, o.sip.limits.request_burst);
    const calls = new SipCalls(ctx);
    let reactor: Reactor | null = null;
    const regs = new Registrations(ctx, (agent) => reactor?.agentGone(agent));
    reactor = new Reactor(ctx, calls, regs);
    const edge = new SipEdge(ctx, transport, calls, regs, reactor, certificate);
    media.relay?.onWorkerStopped((worker, reason, lost) => edge.workerStopped(worker, reason, lost));
    ctx.stack = new SipStack(transport, {
      onRequest: (req, tx) => edge.request(req, tx),
      onAck: (ack) => edge.inDialog(ack, null),
      onCancel: (tx) => edge.cancel(tx),
      onStrayResponse: (res) => edge.stray(res),
      onMalformed: (_e, _f, answered) => (answered ? ctx.stats.answered400++ : ctx.stats.malformed++),
      onLimited: () => (ctx.stats.refused.rate_limited = (ctx.stats.refused.rate_limited ?? 0) + 1),
    }, {
      // Trusted trunks carry many calls from one address: only phones and strangers are limited.
      admit: (flow) => ctx.directory.trunkOf(flow.address) !== undefined || limit.take(flow.address, o.clock.now()),
    });
    ctx.keepalive = new KeepAlive(ctx, (flow, why) => regs.dropFlow(flow, why));
    // A closed TCP or TLS connection is a dead flow too (counted when something was registered over it).
    transport.onClosed((flow) => {
      if (regs.dropFlow(flow, `its ${flow.transport.toUpperCase()} connection closed`) > 0) ctx.keepalive.totals.dead++;
    });
    ctx.keepalive.start();
    edge.off = o.feed.onChange((_changed, events) => {
      for (const { event } of events) reactor!.apply(event);
    });
    return edge;
  }

  get port(): number {
    return this.ctx.port;
  }

  /** The TLS port (0: no TLS). */
  get tlsPort(): number {
    return this.ctx.tlsPort;
  }

  /** Checks the TLS certificate files now (they are also checked every reload_check_s). */
  async reloadCertificate(): Promise<void> {
    await this.certificate?.check();
  }

  /** A call's audio room when its media is on a worker (PartyPhones). */
  room(call: string, holdMusicHz: number): CallRoom | undefined {
    return this.ctx.media.room(call, holdMusicHz);
  }

  /** The phone of a real party, for the audio rooms (PartyPhones). */
  endpoint(call: string, party: string, role: PartyRole): Endpoint | undefined {
    return this.calls.endpoint(call, party, role);
  }

  release(call: string): void {
    this.calls.release(call);
  }

  /** Before a session: rings the user's phone (a registered one) and resolves once it answered; null: no phone. */
  async connectMonitor(call: string, supervisor: string): Promise<'phone' | null> {
    const phone = this.ctx.directory.userPhone(supervisor);
    if (!phone) return null;
    if (this.regs.contacts(phone.user).length === 0) throw new Error(`${supervisor}'s phone (SIP user ${phone.user}) is not registered`);
    await this.reactor.ringSupervisor(call, supervisor);
    return 'phone';
  }

  disconnectMonitor(call: string, supervisor: string): void {
    this.calls.drop(call, supervisor);
  }

  /** Why an agent may not log in now (its phone is not registered), or null. */
  agentReady(agent: string): string | null {
    const phone = this.ctx.directory.agentPhone(agent);
    if (!phone || this.regs.contacts(phone.user).length > 0) return null;
    return `agent ${agent}'s phone (SIP user ${phone.user}) is not registered`;
  }

  health(): EdgeHealth {
    const t = this.transport.health();
    if (!t.ok) return t;
    const media = this.ctx.media.failure();
    if (media !== null) return { ok: false, reason: media };
    const workers = this.ctx.media.relay ? `, ${this.ctx.media.relay.workers} media worker(s)` : '';
    return { ok: true, detail: `${t.detail}; ${this.ctx.registrar.size} registration(s), ${this.calls.callers} call(s), ${this.ctx.media.inUse} RTP port pair(s)${workers}` };
  }

  /** A drill: ends media worker `worker` (0-based) the way a crash does (test/sip/worker-failure.test.ts). */
  async killMediaWorker(worker: number): Promise<void> {
    if (!this.ctx.media.relay) throw new Error('sip.rtp.workers is 0: there is no media worker');
    await this.ctx.media.relay.kill(worker);
  }

  /** What the edge is doing now: registrations by account, calls, RTP and refusal counts (GET /cc/sip/status). */
  status(): SipStatus {
    return edgeStatus(this.ctx, this.calls.callers, this.transport.health(), this.certificate?.status ?? null);
  }

  async stop(): Promise<void> {
    this.off();
    this.ctx.keepalive.stop();
    this.transport.onClosed(() => {}); // our own closing of connections is not a phone going away
    this.certificate?.stop();
    this.reactor.stop();
    this.regs.stop();
    this.calls.stop();
    // Let the BYEs leave before the sockets close.
    await new Promise((r) => setTimeout(r, 50));
    this.ctx.stack.stop();
    await this.transport.stop();
    await this.ctx.media.close();
  }

  private request(req: SipRequest, tx: ServerTx): void {
    if (req.method === 'REGISTER') return this.regs.handle(req, tx);
    if (requestDialogKey(req) !== null) return this.inDialog(req, tx);
    if (req.method === 'INVITE') {
      const hooks = {
        legEnded: (call: string, party: string, leg: Leg, how: LegEnd) => this.reactor.legEnded(call, party, leg, how),
        callerGone: (call: string, how: LegEnd) => this.callerGone(call, how),
        refer: (call: string, party: string, leg: Leg, r: SipRequest, t: ServerTx) => this.reactor.refer(call, party, leg, r, t),
        hold: (call: string, held: boolean) => this.reactor.hold(call, held),
      };
      void inboundCall(this.ctx, this.calls, req, tx, (call, how) => this.callerGone(call, how), () => this.cancelled.has(req), hooks).catch((e: unknown) => {
        this.ctx.say(`inbound call failed: ${(e as Error).message}`);
        tx.respond(responseTo(req, 500));
      });
      return;
    }
    if (req.method === 'OPTIONS') return tx.respond(responseTo(req, 200, { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE'], ['Accept', 'application/sdp']] }));
    tx.respond(responseTo(req, 405, { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, INFO, UPDATE']] }));
  }

  private inDialog(req: SipRequest, tx: ServerTx | null): void {
    const key = requestDialogKey(req);
    const leg = key === null ? undefined : this.calls.legOf(key);
    if (leg) return leg.onRequest(req, tx);
    if (tx) tx.respond(responseTo(req, 481));
  }

  private cancel(tx: ServerTx): void {
    this.cancelled.add(tx.request);
    tx.respond(responseTo(tx.request, 487, { toTag: 'cancelled' }));
    // A phone's own call still pending (a consultation ringing, an outbound number ringing) stops too.
    const stop = this.calls.onCancel.get(tx.request);
    this.calls.onCancel.delete(tx.request);
    stop?.();
  }

  /** A 2xx of our INVITE retransmitted after its transaction ended: the leg ACKs it again. */
  private stray(res: SipResponse): void {
    if (res.status < 200 || res.status >= 300) return;
    const local = parseNameAddr(header(res, 'from') ?? '')?.params.get('tag') ?? '';
    const remote = parseNameAddr(header(res, 'to') ?? '')?.params.get('tag') ?? '';
    this.calls.legOf(dialogKey(header(res, 'call-id') ?? '', local, remote))?.onStrayOk();
  }

  /**
   * A media worker stopped: its calls have no audio any more, so each ends (call.ended by
   * system, cause media_worker_stopped; its phones get a BYE) rather than stay connected in
   * silence. A call the ACD does not hold (already ending) is hung up here.
   */
  private workerStopped(worker: number, reason: string, lost: string[]): void {
    this.ctx.say(`media worker ${worker} stopped (${reason}): ending its ${lost.length} call(s)`);
    for (const call of lost) {
      const { decision } = this.ctx.acd.decide({ type: 'call.end', call_id: call, by: 'system', cause: 'media_worker_stopped' }, 'sip');
      if (decision.refused !== undefined) this.calls.end(call);
    }
  }

  private callerGone(call: string, how: 'bye' | 'no-ack' | 'local'): void {
    const cmd = this.calls.hungUp(call, null, how);
    if (cmd && cmd !== 'monitor-ended') this.ctx.acd.decide(cmd, 'sip').appended.catch(() => {});
  }
}

/**
 * The RTP ports and, with sip.rtp.workers, the media workers: the range is cut in workers + 1
 * equal shares, the first for calls whose media stays on this thread, one for each worker.
 */
async function startMedia(o: SipEdgeOptions): Promise<EdgeMedia> {
  const r = o.sip.rtp;
  const host = r.host ?? o.sip.listen.host;
  const [from, to] = r.ports;
  const media = { probation: r.probation_packets, relearnAfterMs: r.relearn_after_s * 1000, rtcpIntervalMs: r.rtcp_interval_s * 1000 };
  if (r.workers === 0) return new EdgeMedia(new PortPool(host, from, to, { clock: o.clock, ...media }), null);
  const share = Math.floor((to - from + 1) / (r.workers + 1));
  if (share < 2) throw new Error(`sip.rtp.ports ${from}-${to} is too small for the main thread and ${r.workers} media worker(s)`);
  const relay = await RelayPool.start({ host, ports: [from + share, to], workers: r.workers, ...media });
  return new EdgeMedia(new PortPool(host, from, from + share - 1, { clock: o.clock, ...media }), relay);
}
