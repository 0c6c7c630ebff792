/**
 * Help requests (docs/forecast.md, Help requests): an agent on a call asks for a supervisor
 * (POST /cc/me/help, or the phone's feature code through the SIP edge); every supervisor
 * whose scope holds the call's queue sees it (the `help_requested` alert: wallboard, TV,
 * webhooks) and answers with one click: listen or whisper on that call. It ends when a
 * supervisor joins, the agent cancels, or the call ends. Each step is an event of the log
 * (`help.requested`, `help.ended`), folded here like the monitoring sessions, so a restart
 * rebuilds the open requests; and each request, cancel and join is in the audit trail.
 */
import { z } from '@hono/zod-openapi';
import { canSeeQueue, type AuthUser } from '../api/index.js';
import { HELP_VIA, type CallEvent, type MonitorMode } from '../domain/index.js';
import type { Actions } from './action.js';
import { done, refuse, type Outcome } from './outcome.js';
import type { SupervisorSession } from './sessions.js';

export const HelpRequestView = z
  .object({
    help_id: z.string(),
    call_id: z.string(),
    agent: z.string(),
    queue: z.string().nullable(),
    via: z.enum(HELP_VIA),
    requested_at: z.string(),
  })
  .openapi('HelpRequest');
export type HelpRequestView = z.infer<typeof HelpRequestView>;

export interface OpenHelp {
  help_id: string;
  call_id: string;
  agent: string;
  queue: string | null;
  via: (typeof HELP_VIA)[number];
  since: number;
}

/** Supervisors answer in one of these (barge and takeover are the supervisor's own choice afterwards). */
export const HELP_JOIN_MODES = ['listen', 'whisper'] as const satisfies readonly MonitorMode[];

export class HelpDesk {
  private readonly open = new Map<string, OpenHelp>();
  private readonly ending = new Set<string>();

  constructor(
    private readonly act: Actions,
    private readonly monitor: (user: AuthUser, callId: string, mode: MonitorMode) => Promise<Outcome<SupervisorSession>>,
    /** Whether the replay reached the log's end: a replayed call end is not news to act on. */
    private readonly caughtUp: () => boolean = () => true,
  ) {}

  /** Folds one admitted event of the log. */
  apply(e: CallEvent): void {
    if (e.type === 'help.requested') {
      this.open.set(e.help_id, { help_id: e.help_id, call_id: e.call_id, agent: e.agent, queue: e.queue ?? null, via: e.via, since: Date.parse(e.time) });
    } else if (e.type === 'help.ended') {
      this.open.delete(e.help_id);
      this.ending.delete(e.help_id);
    } else if (e.type === 'call.ended') {
      for (const h of this.open.values()) if (h.call_id === e.call_id && this.caughtUp()) void this.end(h, 'call_ended', 'system').catch(() => {});
    }
  }

  /** Open requests the user may see, oldest first. */
  list(user: AuthUser): HelpRequestView[] {
    return [...this.open.values()].filter((h) => canSeeQueue(user, h.queue)).sort((a, b) => a.since - b.since).map(view);
  }

  /** Open requests of a queue (for the alert rule). */
  ofQueue(queue: string): Array<{ call: string; agent: string; since: number }> {
    return [...this.open.values()].filter((h) => h.queue === queue).map((h) => ({ call: h.call_id, agent: h.agent, since: h.since }));
  }

  /** The agent's own open request, if any. */
  ofAgent(agent: string): HelpRequestView | null {
    const h = [...this.open.values()].find((x) => x.agent === agent);
    return h === undefined ? null : view(h);
  }

  /** The agent `agent` asks for help on its current call; an open request of that call is answered as it is. */
  async request(user: AuthUser, agent: string | undefined, via: OpenHelp['via']): Promise<Outcome<{ created: boolean; help: HelpRequestView }>> {
    if (agent === undefined) return notAnAgent(user);
    const help_id = this.act.newId('help');
    return this.act.audited<{ created: boolean; help: HelpRequestView }>({ user, action: 'help.request', call_id: '', agent, detail: { via } }, async (ctx) => {
      const a = this.act.deps.feed.runner.agent(agent, this.act.deps.now());
      if (!a) return refuse('unknown', `agent "${agent}" is not known`);
      const call = a.current_call;
      if (call === null || call === undefined) return refuse('conflict', `agent ${agent} is ${a.state} and on no call: help is asked during a call`);
      ctx.call_id = call.call_id;
      const existing = [...this.open.values()].find((h) => h.call_id === call.call_id);
      if (existing) return done({ created: false, help: view(existing) });
      const requested = await this.act.emit({ type: 'help.requested', help_id, call_id: call.call_id, agent, ...(call.queue ? { queue: call.queue } : {}), via });
      if (!requested.ok) return requested;
      const h = this.open.get(help_id);
      if (!h) return refuse('conflict', `the help request on call ${call.call_id} ended before it could be shown`);
      return done({ created: true, help: view(h) });
    });
  }

  /**
   * The agent keyed the help feature code on its phone (sip.feature_codes.help) during call
   * `call`. The phone is the agent's own, so the request is the agent's: audited as
   * `phone:<agent>`. A code keyed on a call the agent is no longer on asks nothing.
   */
  async fromPhone(agent: string, call: string): Promise<Outcome<{ created: boolean; help: HelpRequestView }> | null> {
    const a = this.act.deps.feed.runner.agent(agent, this.act.deps.now());
    if (a?.current_call?.call_id !== call) return null;
    const user: AuthUser = { name: `phone:${agent}`, role: 'viewer', queues: null, agent, subject: `sip:${agent}` };
    return this.request(user, agent, 'phone');
  }

  /** The agent takes its request back. */
  async cancel(user: AuthUser, agent: string | undefined): Promise<Outcome<HelpRequestView>> {
    if (agent === undefined) return notAnAgent(user);
    const h = [...this.open.values()].find((x) => x.agent === agent);
    return this.act.audited({ user, action: 'help.cancel', call_id: h?.call_id ?? '', agent, detail: {} }, async () => {
      if (!h) return refuse('unknown', `agent ${agent} has no open help request`);
      const ended = await this.end(h, 'cancelled', user.name);
      return ended.ok ? done(view(h)) : ended;
    });
  }

  /** A supervisor answers: joins the call (listen or whisper), which ends the request. */
  async join(user: AuthUser, helpId: string, mode: (typeof HELP_JOIN_MODES)[number]): Promise<Outcome<{ help: HelpRequestView; session: SupervisorSession }>> {
    const h = this.open.get(helpId);
    if (!h || !canSeeQueue(user, h.queue)) return refuse('unknown', `help request "${helpId}" is not open`);
    // Monitoring audits and checks itself (role, call connected, not already monitoring).
    const session = await this.monitor(user, h.call_id, mode);
    if (!session.ok) return session;
    const ended = await this.act.audited({ user, action: 'help.join', call_id: h.call_id, agent: h.agent, session_id: session.value.session_id, detail: { help_id: helpId, mode } }, async () =>
      this.open.has(helpId) ? this.end(h, 'joined', user.name) : done(null),
    );
    return ended.ok ? done({ help: view(h), session: session.value }) : ended;
  }

  private async end(h: OpenHelp, reason: 'joined' | 'cancelled' | 'call_ended', by: string): Promise<Outcome<null>> {
    if (this.ending.has(h.help_id)) return done(null);
    this.ending.add(h.help_id);
    try {
      const ended = await this.act.emit({ type: 'help.ended', help_id: h.help_id, call_id: h.call_id, agent: h.agent, reason, by });
      return ended.ok ? done(null) : ended;
    } finally {
      this.ending.delete(h.help_id);
    }
  }

  snapshot(): OpenHelp[] {
    return [...this.open.values()];
  }
  restore(list: readonly OpenHelp[] | undefined): void {
    for (const h of list ?? []) this.open.set(h.help_id, h);
  }
}

const view = (h: OpenHelp): HelpRequestView => ({ help_id: h.help_id, call_id: h.call_id, agent: h.agent, queue: h.queue, via: h.via, requested_at: new Date(h.since).toISOString() });

const notAnAgent = (user: AuthUser) => refuse('unknown', `${user.name}'s token is not an agent's (give the user an agent in the config's users[].agent)`);
