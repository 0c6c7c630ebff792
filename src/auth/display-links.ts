/**
 * Display links: a wall screen (a TV, a kiosk browser) signs in by opening one address and
 * stays signed in, through restarts, until an admin revokes the link. The link's secret is
 * shown once, at creation; the engine keeps only its SHA-256. Opening the link makes a
 * read-only (viewer) session, scoped to the link's queues; revoking the link ends every
 * session made from it at once, and closes their sockets.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AuthRecords } from './records.js';
import type { Sessions } from './sessions.js';
import type { SessionUser } from './session.js';

export interface DisplayLink {
  id: string;
  name: string;
  /** null: every queue. */
  queues: string[] | null;
  created_by: string;
  /** RFC 3339. */
  created_at: string;
  secret_sha256: string;
}
export type DisplayLinkView = Omit<DisplayLink, 'secret_sha256'>;

export type CreateOutcome = { ok: true; link: DisplayLinkView; secret: string } | { ok: false; field: string; rule: string; detail: string };

const hash = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');
const view = ({ secret_sha256: _, ...v }: DisplayLink): DisplayLinkView => v;

export class DisplayLinks {
  private readonly byId = new Map<string, DisplayLink>();

  private constructor(
    private readonly records: AuthRecords<DisplayLink>,
    private readonly sessions: Sessions,
    private readonly now: () => number,
  ) {}

  static async open(records: AuthRecords<DisplayLink>, sessions: Sessions, now: () => number): Promise<DisplayLinks> {
    const links = new DisplayLinks(records, sessions, now);
    for (const [id, l] of await records.load()) links.byId.set(id, l);
    await records.watch((id, l) => (l ? links.byId.set(id, l) : links.byId.delete(id)));
    return links;
  }

  list(): DisplayLinkView[] {
    return [...this.byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at)).map(view);
  }

  /**
   * `scope`: the creator's queues (null: all); the link sees at most those. `known`: the
   * queues that exist, so a typo is refused rather than giving a screen that stays empty.
   */
  async create(name: string, queues: string[] | undefined, by: { name: string; queues: string[] | null }, known: string[]): Promise<CreateOutcome> {
    const unknown = (queues ?? []).filter((q) => !known.includes(q));
    if (unknown.length > 0) return { ok: false, field: 'queues', rule: 'must name known queues', detail: `no queue is called ${unknown.join(', ')}` };
    const outside = by.queues === null ? [] : (queues ?? []).filter((q) => !by.queues!.includes(q));
    if (outside.length > 0) return { ok: false, field: 'queues', rule: 'must be within your own queues', detail: `${by.name} may not see ${outside.join(', ')}` };
    const secret = randomBytes(32).toString('base64url');
    const link: DisplayLink = {
      id: `dl-${randomBytes(6).toString('hex')}`,
      name,
      queues: queues && queues.length > 0 ? [...new Set(queues)] : by.queues,
      created_by: by.name,
      created_at: new Date(this.now()).toISOString(),
      secret_sha256: hash(secret),
    };
    this.byId.set(link.id, link);
    await this.records.put(link.id, link);
    return { ok: true, link: view(link), secret };
  }

  /** Removes the link and ends its screens' sessions; false when there is no such link. */
  async revoke(id: string): Promise<boolean> {
    if (!this.byId.delete(id)) return false;
    await this.records.delete(id);
    await this.sessions.endWhere((s) => s.link === id, 'revoked');
    return true;
  }

  bySecret(secret: string): DisplayLink | null {
    const h = hash(secret);
    for (const l of this.byId.values()) if (l.secret_sha256 === h) return l;
    return null;
  }

  /** The viewer a link's screen is (null: the link was revoked). */
  userOf(id: string): SessionUser | null {
    const l = this.byId.get(id);
    return l ? { name: l.name, role: 'viewer', queues: l.queues, subject: `display:${l.id}` } : null;
  }
}
