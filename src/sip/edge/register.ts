/**
 * REGISTER (RFC 3261 §10.3): digest-authenticated phones bind their contacts to their own
 * SIP user; the registrar's bindings expire on the engine's clock. An agent's phone coming
 * or going is an `agent.device_changed` event, so the agent board shows it and a replay
 * rebuilds it; a phone that is gone takes its agent offline (after the call in progress).
 */
import type { CancelTimer } from '../../domain/index.js';
import { newTag, responseTo } from '../build.js';
import { parseNameAddr, parseUri } from '../headers.js';
import { header, headers, type SipRequest } from '../message.js';
import type { Binding, ContactRequest } from '../registrar.js';
import type { ServerTx } from '../stack.js';
import type { Flow } from '../transport.js';
import { authenticate } from './auth.js';
import type { EdgeContext } from './context.js';

export class Registrations {
  private cancelExpiry: CancelTimer | null = null;
  private stopped = false;

  constructor(
    private readonly ctx: EdgeContext,
    /** An agent's phone lost its last binding: log the agent out when it can be. */
    private readonly onAgentGone: (agent: string) => void,
  ) {}

  /** The contacts a phone account can be rung at now. */
  contacts(user: string): Binding[] {
    return this.ctx.registrar.bindings(user, this.ctx.clock.now());
  }

  handle(req: SipRequest, tx: ServerTx): void {
    const auth = authenticate(this.ctx, req);
    if (!auth.ok) return tx.respond(auth.response);
    const account = auth.account;
    const aor = parseUri(parseNameAddr(header(req, 'to')!)?.uri ?? '');
    if (aor?.user !== account.user) return tx.respond(responseTo(req, 403, { reason: `Forbidden (${account.user} may only register itself)` }));
    const asked = readContacts(req);
    if (asked === null) return tx.respond(responseTo(req, 400, { reason: 'Bad Request (unreadable Contact or Expires)' }));
    const now = this.ctx.clock.now();
    const cseq = Number(header(req, 'cseq')!.split(/\s+/)[0]);
    const out = this.ctx.registrar.register(account.user, asked, { callId: header(req, 'call-id')!, cseq, flow: tx.flow, now });
    if (!out.ok) {
      this.ctx.stats.refused[`register_${out.status}`] = (this.ctx.stats.refused[`register_${out.status}`] ?? 0) + 1;
      return tx.respond(responseTo(req, out.status, { reason: out.reason, ...(out.minExpires ? { headers: [['Min-Expires', String(out.minExpires)]] } : {}) }));
    }
    const contacts = out.bindings.map((b): [string, string] => ['Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`]);
    tx.respond(responseTo(req, 200, { toTag: newTag(), headers: [...contacts, ['Date', new Date(now).toUTCString()]] }));
    if (account.kind === 'agent') this.changed(account.id, out.before, out.bindings);
    this.arm();
  }

  /** A flow died (a TCP connection closed, a UDP phone stopped answering keep-alives): what was registered over it goes. */
  dropFlow(flow: Flow, why: string): number {
    const dropped = this.ctx.registrar.dropFlow(flow);
    for (const { user, before, left } of dropped) {
      this.ctx.say(`SIP user ${user}: ${before.length - left.length} binding(s) dropped, ${why} (${flow.transport} ${flow.address}:${flow.port})`);
      const a = this.ctx.directory.account(user);
      if (a?.kind === 'agent') this.changed(a.id, before, left);
    }
    this.arm();
    return dropped.length;
  }

  stop(): void {
    this.stopped = true;
    this.cancelExpiry?.();
    this.cancelExpiry = null;
  }

  /** An agent's registration state or first contact changed: one event, never one per refresh. */
  private changed(agent: string, before: Binding[], after: Binding[]): void {
    const was = before[0]?.contact;
    const is = after[0]?.contact;
    if (was === is) return;
    const event = { ...this.ctx.envelope(), type: 'agent.device_changed' as const, agent, registered: is !== undefined, ...(is === undefined ? {} : { contact: is }) };
    void this.ctx.publish([event]).catch(() => {});
    if (is === undefined) this.onAgentGone(agent);
  }

  private arm(): void {
    this.cancelExpiry?.();
    this.cancelExpiry = null;
    const next = this.ctx.registrar.nextExpiry();
    if (next === undefined || this.stopped) return;
    this.cancelExpiry = this.ctx.clock.timeout(next - this.ctx.clock.now(), () => {
      const now = this.ctx.clock.now();
      for (const { user, before, left } of this.ctx.registrar.expire(now)) {
        const a = this.ctx.directory.account(user);
        if (a?.kind === 'agent') this.changed(a.id, before, left);
      }
      this.arm();
    });
  }
}

/** The Contact list with each one's expiry (§10.2.1.1: its expires param, else Expires, else 3600); null when unreadable. */
function readContacts(req: SipRequest): ContactRequest[] | null {
  const fallback = header(req, 'expires');
  if (fallback !== undefined && !/^\d{1,10}$/.test(fallback)) return null;
  const dflt = fallback === undefined ? 3600 : Number(fallback);
  const out: ContactRequest[] = [];
  for (const value of headers(req, 'contact')) {
    if (value.trim() === '*') {
      out.push({ contact: '*', expires: dflt });
      continue;
    }
    const na = parseNameAddr(value);
    if (!na || !parseUri(na.uri)) return null;
    const e = na.params.get('expires');
    if (e !== undefined && (e === null || !/^\d{1,10}$/.test(e))) return null;
    out.push({ contact: na.uri, expires: e === undefined ? dflt : Number(e) });
  }
  return out;
}
