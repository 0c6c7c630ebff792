/**
 * Who is who on the SIP side, read once from the config: the phone accounts of agents and
 * supervisors (by SIP user), the numbers of the queues, and the trunks trusted by address.
 */
import { BlockList, isIP } from 'node:net';
import { normalizeNumber, type Config } from '../domain/index.js';
import type { MediaPolicy } from './rtp/latch.js';

export interface Account {
  /** An agent's phone (rung with offers) or a user's (rung when the user monitors). */
  kind: 'agent' | 'user';
  /** The agent id or the user name. */
  id: string;
  user: string;
  password: string;
  /** Algorithms this phone may use (none: the edge's default order). */
  digest?: ReadonlyArray<'SHA-256' | 'MD5'>;
}

export class Directory {
  private readonly byUser = new Map<string, Account>();
  private readonly agents = new Map<string, Account>();
  private readonly users = new Map<string, Account>();
  private readonly numbers = new Map<string, string>();
  private readonly trunks: Array<{ name: string; list: BlockList; media: MediaPolicy }> = [];

  constructor(config: Config) {
    for (const a of config.agents) if (a.sip) this.add(this.agents, { kind: 'agent', id: a.id, ...a.sip });
    for (const u of config.users) if (u.sip) this.add(this.users, { kind: 'user', id: u.name, ...u.sip });
    for (const q of config.queues) for (const n of q.numbers) this.numbers.set(n, q.id);
    for (const t of config.sip?.trunks ?? []) {
      const list = new BlockList();
      const [addr, bits] = t.from.split('/') as [string, string | undefined];
      const family = isIP(addr) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) list.addAddress(addr, family);
      else list.addSubnet(addr, Number(bits), family);
      this.trunks.push({ name: t.name, list, media: t.media });
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

  /** How a trunk's media source is checked: learned (latch) or only the SDP's (strict). */
  trunkMedia(name: string): MediaPolicy {
    return this.trunks.find((t) => t.name === name)?.media ?? 'latch';
  }

  private add(into: Map<string, Account>, a: Account): void {
    into.set(a.id, a);
    this.byUser.set(a.user, a);
  }
}
