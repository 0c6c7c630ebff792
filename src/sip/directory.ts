/**
 * Who is who on the SIP side, read once from the config: the phone accounts of agents and
 * supervisors (by SIP user), the numbers of the queues, the trunks trusted by address, the
 * trunks that carry outbound calls by number pattern, and each one's media encryption.
 */
import { BlockList, isIP } from 'node:net';
import { normalizeNumber, type Config, type MediaEncryption, type SipTrunk } from '../domain/index.js';

export interface Account {
  /** An agent's phone (rung with offers) or a user's (rung when the user monitors). */
  kind: 'agent' | 'user';
  /** The agent id or the user name. */
  id: string;
  user: string;
  password: string;
  /** Algorithms this phone may use (none: the edge's default order). */
  digest?: ReadonlyArray<'SHA-256' | 'MD5'>;
  /** This phone's media encryption (none: the edge's default). */
  srtp?: MediaEncryption;
}

/** An outbound trunk: where a dialled number goes. */
export type OutboundRoute = Required<Pick<SipTrunk, 'name' | 'outbound'>> & { srtp: MediaEncryption };

export class Directory {
  private readonly byUser = new Map<string, Account>();
  private readonly agents = new Map<string, Account>();
  private readonly users = new Map<string, Account>();
  private readonly numbers = new Map<string, string>();
  private readonly trunks: Array<{ name: string; list: BlockList }> = [];
  private readonly trunkConfig = new Map<string, SipTrunk>();
  private readonly srtpDefault: MediaEncryption;

  constructor(config: Config) {
    this.srtpDefault = config.sip?.srtp ?? 'off';
    for (const a of config.agents) if (a.sip) this.add(this.agents, { kind: 'agent', id: a.id, ...a.sip });
    for (const u of config.users) if (u.sip) this.add(this.users, { kind: 'user', id: u.name, ...u.sip });
    for (const q of config.queues) for (const n of q.numbers) this.numbers.set(n, q.id);
    for (const t of config.sip?.trunks ?? []) {
      this.trunkConfig.set(t.name, t);
      if (t.from === undefined) continue;
      const list = new BlockList();
      const [addr, bits] = t.from.split('/') as [string, string | undefined];
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(addr, family);
      else list.addSubnet(addr, Number(bits), family);
      this.trunks.push({ name: t.name, list });
    }
  }

  /** Every phone account, agents first. */
  accounts(): Account[] {
    return [...this.agents.values(), ...this.users.values()];
  }

  /** The account that registers or authenticates as `user`. */
  account(user: string): Account | undefined {
    return this.byUser.get(user);
  }

  agentPhone(agent: string): Account | undefined {
    return this.agents.get(agent);
  }

  userPhone(name: string): Account | undefined {
    return this.users.get(name);
  }

  /** Whether an agent is real (has a phone) rather than simulated. */
  hasPhone(agent: string): boolean {
    return this.agents.has(agent);
  }

  /** The queue a dialled number reaches (separators ignored: "+1 555-0100" is "+15550100"). */
  queueOf(number: string): string | undefined {
    return this.numbers.get(normalizeNumber(number));
  }

  /** The trunk a source address belongs to. */
  trunkOf(address: string): string | undefined {
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    return this.trunks.find((t) => t.list.check(address, family))?.name;
  }

  /** The media encryption of a phone account or a trunk (its own, else the edge's). */
  srtpOf(who: { account: Account } | { trunk: string }): MediaEncryption {
    const own = 'account' in who ? who.account.srtp : this.trunkConfig.get(who.trunk)?.srtp;
    return own ?? this.srtpDefault;
  }

  /** The first outbound trunk whose patterns match a dialled number (separators ignored). */
  outboundRoute(number: string): OutboundRoute | undefined {
    const n = normalizeNumber(number);
    for (const t of this.trunkConfig.values()) {
      if (t.outbound && t.outbound.numbers.some((p) => matchesPattern(p, n))) return { name: t.name, outbound: t.outbound, srtp: this.srtpOf({ trunk: t.name }) };
    }
    return undefined;
  }

  private add(into: Map<string, Account>, a: Account): void {
    into.set(a.id, a);
    this.byUser.set(a.user, a);
  }
}

/** `+1XXXXXXXXXX`, `+44*`: X is one digit, a trailing * any further digits, the rest itself. */
export function matchesPattern(pattern: string, number: string): boolean {
  const open = pattern.endsWith('*');
  const p = open ? pattern.slice(0, -1) : pattern;
  if (open ? number.length < p.length : number.length !== p.length) return false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    const d = number[i]!;
    if (c === 'X' ? !/[0-9]/.test(d) : c !== d) return false;
  }
  return open ? /^[0-9]*$/.test(number.slice(p.length)) : true;
}
