/**
 * The registrar's bindings (RFC 3261 §10.3): which contacts each SIP user has registered,
 * until when, and from where (the flow a REGISTER came in on, so a phone behind NAT or on
 * TCP is reached the way it came). Pure: time is passed in; the edge runs the expiry timer.
 */
import { sameFlow, type Flow } from './transport.js';

export interface Binding {
  user: string;
  /** The Contact URI, as registered. */
  contact: string;
  expiresAt: number;
  flow: Flow;
  callId: string;
  cseq: number;
}

export interface RegistrarLimits {
  minExpiresS: number;
  maxExpiresS: number;
  contactsPerUser: number;
  registrationsPerAddress: number;
}

export interface ContactRequest {
  /** A Contact URI, or '*' (with expires 0: remove every binding). */
  contact: string;
  /** Seconds asked for (the Contact's expires param, else the Expires header, else 3600). */
  expires: number;
}

export type RegisterOutcome =
  | { ok: true; bindings: Binding[]; before: Binding[] }
  | { ok: false; status: 400 | 403 | 423 | 500; reason: string; minExpires?: number };

export class Registrar {
  private readonly byUser = new Map<string, Binding[]>();

  constructor(private readonly limits: RegistrarLimits) {}

  /** Applies one REGISTER's contacts (RFC 3261 §10.3 steps 6-8); all or nothing. */
  register(user: string, contacts: ContactRequest[], o: { callId: string; cseq: number; flow: Flow; now: number }): RegisterOutcome {
    const before = this.bindings(user, o.now);
    if (contacts.length === 0) return { ok: true, bindings: before, before };
    if (contacts.some((c) => c.contact === '*')) {
      if (contacts.length > 1 || contacts[0]!.expires !== 0) return { ok: false, status: 400, reason: 'Contact: * needs Expires: 0 and no other contact' };
      if (before.some((b) => b.callId === o.callId && o.cseq <= b.cseq)) return { ok: false, status: 500, reason: 'CSeq out of order' };
      this.byUser.delete(user);
      return { ok: true, bindings: [], before };
    }
    const next = [...before];
    for (const c of contacts) {
      if (c.expires !== 0 && c.expires < this.limits.minExpiresS) return { ok: false, status: 423, reason: 'Interval Too Brief', minExpires: this.limits.minExpiresS };
      const i = next.findIndex((b) => sameContact(b.contact, c.contact));
      if (i >= 0 && next[i]!.callId === o.callId && o.cseq <= next[i]!.cseq) return { ok: false, status: 500, reason: 'CSeq out of order' };
      if (i >= 0) next.splice(i, 1);
      if (c.expires === 0) continue;
      const seconds = Math.min(c.expires, this.limits.maxExpiresS);
      next.push({ user, contact: c.contact, expiresAt: o.now + seconds * 1000, flow: o.flow, callId: o.callId, cseq: o.cseq });
    }
    if (next.length > this.limits.contactsPerUser) return { ok: false, status: 403, reason: `at most ${this.limits.contactsPerUser} contacts per user` };
    const added = next.filter((b) => !before.some((x) => sameContact(x.contact, b.contact))).length;
    if (added > 0 && this.fromAddress(o.flow.address, o.now) + added > this.limits.registrationsPerAddress) {
      return { ok: false, status: 403, reason: `too many registrations from ${o.flow.address}` };
    }
    if (next.length === 0) this.byUser.delete(user);
    else this.byUser.set(user, next);
    return { ok: true, bindings: next, before };
  }

  /** The user's bindings still valid at `now`. */
  bindings(user: string, now: number): Binding[] {
    return (this.byUser.get(user) ?? []).filter((b) => b.expiresAt > now);
  }

  /** Drops what expired by `now`; returns the users who lost bindings, with what they had and have left. */
  expire(now: number): Array<{ user: string; before: Binding[]; left: Binding[] }> {
    const out: Array<{ user: string; before: Binding[]; left: Binding[] }> = [];
    for (const [user, list] of this.byUser) {
      const left = list.filter((b) => b.expiresAt > now);
      if (left.length === list.length) continue;
      if (left.length === 0) this.byUser.delete(user);
      else this.byUser.set(user, left);
      out.push({ user, before: list, left });
    }
    return out;
  }

  /** Every binding still valid at `now` (the keep-alives go down their flows). */
  all(now: number): Binding[] {
    const out: Binding[] = [];
    for (const list of this.byUser.values()) for (const b of list) if (b.expiresAt > now) out.push(b);
    return out;
  }

  /** Drops every binding registered over `flow` (it is dead); returns the users who lost bindings, as expire() does. */
  dropFlow(flow: Flow): Array<{ user: string; before: Binding[]; left: Binding[] }> {
    const out: Array<{ user: string; before: Binding[]; left: Binding[] }> = [];
    for (const [user, list] of this.byUser) {
      const left = list.filter((b) => !sameFlow(b.flow, flow));
      if (left.length === list.length) continue;
      if (left.length === 0) this.byUser.delete(user);
      else this.byUser.set(user, left);
      out.push({ user, before: list, left });
    }
    return out;
  }

  /** When the next binding expires (epoch ms), for the shell's timer. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const list of this.byUser.values()) for (const b of list) if (next === undefined || b.expiresAt < next) next = b.expiresAt;
    return next;
  }

  get size(): number {
    let n = 0;
    for (const list of this.byUser.values()) n += list.length;
    return n;
  }

  private fromAddress(address: string, now: number): number {
    let n = 0;
    for (const list of this.byUser.values()) for (const b of list) if (b.flow.address === address && b.expiresAt > now) n++;
    return n;
  }
}

/** Contact URIs compare without their parameters' order or case of scheme and host (a fair approximation of §19.1.4). */
export function sameContact(a: string, b: string): boolean {
  const norm = (s: string) => {
    const [base, ...params] = s.split(';');
    return `${base!.toLowerCase()};${params.map((p) => p.toLowerCase()).sort().join(';')}`;
  };
  return norm(a) === norm(b);
}
