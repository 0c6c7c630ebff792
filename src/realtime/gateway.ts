/**
 * The Socket.IO gateway: authenticates each connection with the API's bearer tokens,
 * answers `join` with a snapshot, and pushes deltas to rooms. Changes from the pipeline
 * are only marked dirty; a flush every `flushMs` computes each changed view once per room
 * and broadcasts it, so a burst of events costs one push per view, and 500 sockets in one
 * room cost one computation and one encoding.
 */
import type { Server as HttpServer } from 'node:http';
import { Server as IoServer, type Socket } from 'socket.io';
import type { Runner, Changed, SlaRuleOf } from '../../processors/index.js';
import { tokensOnly, type Identifies, type TokenRegistry } from '../api/index.js';
import type { Clock, Config } from '../domain/index.js';
import { DashboardHistory } from './history.js';
import type { AlertItem, ClientToServerEvents, ForecastView, ServerToClientEvents, SocketData } from './protocol.js';
import { agentVisible, queueVisible, realtimeFor, scopeKey, scopeOfKey, agentsFor } from './scope.js';
import { JoinRefused, ViewRequestSchema, roomOf, snapshotOf, type SnapshotDeps } from './snapshots.js';
import { staffingHints } from './staffing.js';

export type RealtimeServer = IoServer<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** Where alerts come from: the alerts service (src/alerts `Alerts`) fits as it is. */
export interface AlertsSource {
  /** The live alerts now (firing and acknowledged, recent resolved ones too). */
  live(): AlertItem[];
  onAlert(listener: (e: { kind: 'fired' | 'acknowledged' | 'resolved'; alert: AlertItem }) => void): () => void;
  /** Each queue's rules in force (overrides included): the dashboard's current window is the SLA rule's. */
  rules?: { rulesOf(queue: string): { sla_below_threshold: { window_min: number; min_offered: number } } };
}

/** What the gateway needs of the wallboard's sessions (src/auth's Sessions fits as it is). */
export interface SessionWatch {
  /** Brings a session up to date (refresh at the provider, limits) and counts the open socket as use. */
  current(id: string): Promise<{ ok: boolean }>;
  onEnded(listener: (id: string, reason: string) => void): () => void;
}

/** How often the sessions behind open sockets are brought up to date (their use counted, refreshed when due). */
const SESSION_CHECK_MS = 30_000;

export interface GatewayOptions {
  config: Config;
  runner: Runner;
  pipeline: { onChange(listener: (changed: Changed) => void): () => void };
  /** Who is connecting: a bearer token (static or the provider's JWT) or the wallboard's session cookie. */
  auth?: Identifies;
  /** Static tokens alone, when there is no `auth` (tests, benchmarks). */
  tokens?: TokenRegistry;
  /** The sessions behind cookie sockets: a session that ends closes its sockets. */
  sessions?: SessionWatch;
  alerts?: AlertsSource;
  /** The once-a-minute forecasts (src/forecast `Forecasts` fits as it is). */
  forecasts?: { latest(): ForecastView[]; onForecast(listener: (views: ForecastView[]) => void): () => void };
  /** Least time between two pushes of one view (default 250 ms: four updates a second). */
  flushMs?: number;
  /** Every view is pushed whole this often, so figures that age with time stay honest (default 5 s). */
  refreshMs?: number;
  /** Spacing of the dashboard chart's samples (default 15 s). */
  sampleMs?: number;
  /** The dashboard chart's samples, when the engine keeps them across restarts (else a new one, spaced by `sampleMs`). */
  history?: DashboardHistory;
  /** The engine's clock: ages, samples and the once-a-second refresh and pulse. */
  clock: Clock;
}

export class RealtimeGateway {
  io: RealtimeServer | undefined;
  private readonly now: () => number;
  private readonly deps: SnapshotDeps;
  private readonly dirty = { queues: new Set<string>(), agents: new Set<string>(), calls: new Set<string>() };
  private readonly scopes = new Set<string>(['*']);
  private lastRefresh = 0;
  private lastEventAt: number | null = null;
  private timers: Array<() => void> = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private lastFlush = 0;
  private unsubscribe: Array<() => void> = [];

  constructor(private readonly o: GatewayOptions) {
    this.now = () => o.clock.now();
    const rules = o.alerts?.rules;
    const slaRule: SlaRuleOf | undefined = rules ? (q) => rules.rulesOf(q).sla_below_threshold : undefined;
    this.deps = { runner: o.runner, config: o.config, history: o.history ?? new DashboardHistory(o.sampleMs ?? 15_000), alerts: o.alerts, slaRule, forecasts: o.forecasts };
  }

  /** Attaches to the engine's HTTP server (path /socket.io/) and starts pushing. */
  start(server: HttpServer): void {
    const io: RealtimeServer = new IoServer(server, { serveClient: false });
    this.io = io;
    const identify = this.o.auth ?? tokensOnly(this.o.tokens!);
    io.use((socket, next) => {
      void this.admit(identify, socket).then(() => next(), (e: unknown) => next(e as Error));
    });
    io.on('connection', (socket) => this.serve(socket));
    this.unsubscribe.push(this.o.pipeline.onChange((c) => this.mark(c)));
    if (this.o.sessions) {
      const sessions = this.o.sessions;
      this.unsubscribe.push(sessions.onEnded((id, reason) => this.endSession(id, reason)));
      this.timers.push(this.o.clock.every(SESSION_CHECK_MS, () => void this.checkSessions(sessions)));
    }
    if (this.o.alerts) this.unsubscribe.push(this.o.alerts.onAlert((e) => this.pushAlert(e.kind === 'fired', e.alert)));
    if (this.o.forecasts) this.unsubscribe.push(this.o.forecasts.onForecast((views) => this.pushForecasts(views)));
    // Ages, samples and whole-view refreshes: once a second, whether or not events came.
    this.timers.push(this.o.clock.every(1000, () => this.flush()));
    this.timers.push(this.o.clock.every(1000, () => this.pulse()));
  }

  /** Disconnects every client (before the HTTP server closes: upgraded sockets would keep it open). */
  async stop(): Promise<void> {
    for (const cancel of this.timers) cancel();
    clearTimeout(this.flushTimer);
    for (const u of this.unsubscribe) u();
    this.timers = [];
    this.unsubscribe = [];
    const io = this.io;
    this.io = undefined;
    if (!io) return;
    io.disconnectSockets(true);
    io.engine.close();
  }

  get clients(): number {
    return this.io?.engine.clientsCount ?? 0;
  }

  /**
   * The handshake: a token in `auth.token` or an Authorization header, else the session
   * cookie. A cookie rides along with a page of any origin, so a cookie handshake must come
   * from a page of this engine's own origin (cross-site WebSocket hijacking).
   */
  private async admit(identify: Identifies, socket: RealtimeSocket): Promise<void> {
    const auth = socket.handshake.auth as { token?: unknown };
    const header = /^Bearer\s+(\S+)\s*$/i.exec(socket.handshake.headers.authorization ?? '')?.[1];
    const token = typeof auth.token === 'string' ? auth.token : header;
    const id = token ? await identify.bearer(token) : await identify.cookie(socket.handshake.headers.cookie);
    if (!id) throw new Error('a token is required (or the session cookie of a signed-in wallboard)');
    if (!id.ok) throw new Error(id.reason);
    if (id.session) {
      const origin = socket.handshake.headers.origin;
      if (origin && new URL(origin).host !== socket.handshake.headers.host) throw new Error(`a session cookie is accepted only from this engine's own pages, not from ${origin}`);
      socket.data.session = id.session.id;
    }
    socket.data.user = { name: id.user.name, role: id.user.role, queues: id.user.queues };
    // A JWT's socket closes when the token lapses; the client signs in again with a fresh one.
    if (id.expiresAt !== null) {
      const cancel = this.o.clock.timeout(id.expiresAt - this.now(), () => {
        socket.emit('session:ended', { reason: 'the token has expired' });
        socket.disconnect(true);
      });
      socket.once('disconnect', cancel);
    }
  }

  /** Closes the sockets of a session that ended, saying why. */
  private endSession(id: string, reason: string): void {
    for (const socket of this.io?.of('/').sockets.values() ?? []) {
      if (socket.data.session !== id) continue;
      socket.emit('session:ended', { reason });
      socket.disconnect(true);
    }
  }

  private async checkSessions(sessions: SessionWatch): Promise<void> {
    const ids = new Set<string>();
    for (const socket of this.io?.of('/').sockets.values() ?? []) if (socket.data.session) ids.add(socket.data.session);
    for (const id of ids) {
      const r = await sessions.current(id).catch(() => ({ ok: true }));
      if (!r.ok) this.endSession(id, 'the session has ended');
    }
  }

  private serve(socket: RealtimeSocket): void {
    const user = socket.data.user;
    socket.emit('session:ready', { user, now: this.now() });
    socket.on('join', (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      const parsed = ViewRequestSchema.safeParse(raw);
      if (!parsed.success) return reply({ error: `not a view: ${parsed.error.issues.map((i) => i.message).join('; ')}` });
      const request = parsed.data;
      snapshotOf(this.deps, request, user, this.now()).then(
        (data) => {
          this.scopes.add(scopeKey(user.queues));
          void socket.join(roomOf(request, user.queues));
          reply({ data });
        },
        (e: unknown) => reply({ error: e instanceof JoinRefused ? e.message : 'the view could not be read' }),
      );
    });
    socket.on('leave', (raw, ack) => {
      const parsed = ViewRequestSchema.safeParse(raw);
      if (parsed.success) void socket.leave(roomOf(parsed.data, user.queues));
      if (typeof ack === 'function') ack(parsed.success ? { data: true } : { error: 'not a view' });
    });
  }

  /**
   * Leading-edge throttle: the first change after a quiet spell is pushed at once (low
   * latency), later ones wait for `flushMs` after the last push (bounded rate).
   */
  private mark(c: Changed): void {
    this.lastEventAt = this.now();
    if (this.flushTimer === undefined && this.io) {
      const wait = Math.max(0, this.lastFlush + (this.o.flushMs ?? 250) - this.now());
      this.flushTimer = setTimeout(() => this.flush(), wait);
    }
    for (const q of c.queues) this.dirty.queues.add(q);
    for (const a of c.agents) this.dirty.agents.add(a);
    for (const id of c.calls) this.dirty.calls.add(id);
  }

  private members(room: string): boolean {
    return (this.io?.of('/').adapter.rooms.get(room)?.size ?? 0) > 0;
  }

  /** Pushes what changed since the last flush (everything every refreshMs). */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const { queues, agents, calls } = this.dirty;
    // Only pushes of changes count against the rate; the once-a-second refresh does not delay them.
    if (queues.size + agents.size + calls.size > 0) this.lastFlush = this.now();
    const io = this.io;
    if (!io) return;
    const now = this.now();
    const refresh = now - this.lastRefresh >= (this.o.refreshMs ?? 5000);
    if (refresh) this.lastRefresh = now;
    const runner = this.o.runner;
    for (const key of this.scopes) {
      const scope = scopeOfKey(key);
      const dash = `dashboard@${key}`;
      const watched = this.members(dash) && (refresh || queues.size > 0);
      const due = this.deps.history.due(key, now);
      const realtime = watched || due ? realtimeFor(runner, scope, now, this.deps.slaRule) : null;
      const sample = realtime && due ? this.deps.history.record(key, realtime, now) : null;
      if (realtime && this.members(dash) && (refresh || sample || realtime.queues.some((q) => queues.has(q.queue)))) {
        const rows = refresh || sample ? realtime.queues : realtime.queues.filter((q) => queues.has(q.queue));
        const staffing = staffingHints(runner, this.o.config, realtime.queues.map((q) => q.queue), now, agentsFor(runner, scope, now));
        io.to(dash).emit('dashboard:updated', { generated_at: realtime.generated_at, totals: realtime.totals, queues: rows, staffing, ...(sample ? { sample } : {}) });
      }
      const agentsRoom = `agents@${key}`;
      if (this.members(agentsRoom) && (refresh || agents.size > 0)) {
        const list = refresh
          ? agentsFor(runner, scope, now)
          : [...agents].flatMap((id) => runner.agent(id, now) ?? []).filter((a) => agentVisible(scope, a));
        if (list.length > 0) io.to(agentsRoom).emit('agents:updated', { agents: list });
      }
      const callsRoom = `calls@${key}`;
      if (this.members(callsRoom) && calls.size > 0) {
        const views = [...calls].map((id) => [id, runner.call(id, now)] as const);
        const live = views.flatMap(([, v]) => (v && v.state !== 'ended' && queueVisible(scope, v.queue) ? [v] : []));
        // An ended call's id goes only to those who may see its queue; one no longer kept live (no queue to judge by) only to the unscoped.
        const ended = views.flatMap(([id, v]) => ((v ? v.state === 'ended' && queueVisible(scope, v.queue) : scope === null) ? [id] : []));
        io.to(callsRoom).emit('calls:updated', { calls: live, ended });
      }
    }
    if (refresh) for (const q of runner.knownQueues()) queues.add(q);
    for (const q of queues) {
      if (!this.members(`queue:${q}`)) continue;
      const view = runner.queueDetail(q, now);
      if (view) io.to(`queue:${q}`).emit('queue:updated', view);
    }
    for (const id of calls) {
      const view = this.members(`call:${id}`) ? runner.call(id, now) : null;
      if (view) io.to(`call:${id}`).emit('call:updated', view);
    }
    queues.clear();
    agents.clear();
    calls.clear();
  }

  private pulse(): void {
    this.io?.emit('feed:pulse', { now: this.now(), seq: this.o.runner.lastSeq, last_event_at: this.lastEventAt });
  }

  private pushForecasts(views: ForecastView[]): void {
    const io = this.io;
    if (!io) return;
    for (const key of this.scopes) {
      const room = `forecast@${key}`;
      if (!this.members(room)) continue;
      const scope = scopeOfKey(key);
      io.to(room).emit('forecast:updated', { forecasts: views.filter((v) => queueVisible(scope, v.queue)) });
    }
  }

  private pushAlert(fresh: boolean, a: AlertItem): void {
    const io = this.io;
    if (!io) return;
    for (const key of this.scopes) {
      if (!queueVisible(scopeOfKey(key), a.queue)) continue;
      io.to(`alerts@${key}`).emit(fresh ? 'alert:fired' : 'alert:updated', a);
    }
  }
}
