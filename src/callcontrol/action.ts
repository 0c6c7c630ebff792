/**
 * The shape every call-control action shares: check, ask the driver (or append call
 * control's own event), wait until the processors applied it, and leave an audit entry
 * whatever the outcome. Refusals are values (outcome.ts); the routes answer them.
 */
import { randomUUID } from 'node:crypto';
import type { AcdCommand } from '../acd/index.js';
import { canSeeQueue, hasRole, type AuthUser } from '../api/index.js';
import { NotStoredError, type EventLog, type StoreFailure } from '../bus/index.js';
import type { CallEvent, CallEventInput, Role } from '../domain/index.js';
import { appliedThrough, refusedOf, type AppliedFeed } from './applied.js';
import type { AuditEntry, AuditLog } from './audit.js';
import { done, refuse, refused, type Outcome, type Refusal, type Refused } from './outcome.js';
import type { Telephony } from './telephony.js';

export interface ActionDeps {
  log: EventLog;
  feed: AppliedFeed;
  /** The driver now (the simulator starts after the processors caught up, so it is looked up late). */
  telephony: () => Telephony | null;
  /** Another engine on the stream that runs a driver (distributed mode), when this one runs none. */
  driverElsewhere?: () => Promise<{ engine: string; url: string | null } | null>;
  audit: AuditLog;
  /** The status the API answers a refusal with (routes.ts): the audit records it beside the refusal's detail. */
  answeredWith: (refusal: Refusal) => number;
  now: () => number;
  /** Whether the processors reached the log's end (a replayed event is not news to act on). */
  caughtUp?: () => boolean;
}

export interface ActionContext {
  user: AuthUser;
  action: AuditEntry['action'];
  call_id: string;
  agent?: string | null;
  session_id?: string | null;
  detail: Record<string, unknown>;
}

/** Refused (forbidden) when a scoped user names a queue outside its scope; null when in scope. */
export function queueScopeRefusal(user: AuthUser, queue: string | null | undefined): Refused | null {
  return canSeeQueue(user, queue) ? null : refuse('forbidden', `${user.name} may not see queue ${queue ?? '(none)'}`);
}

export class Actions {
  private readonly prefix = `cc-${randomUUID().slice(0, 8)}`;
  private n = 0;

  constructor(readonly deps: ActionDeps) {}

  newId(kind: string): string {
    return `${kind}-${randomUUID()}`;
  }

  /** Runs `body` and audits its outcome; the audit entry is written before the answer leaves. A throw is a failure (500). */
  async audited<T>(ctx: ActionContext, body: (ctx: ActionContext) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    let status = 500;
    let message = 'done';
    try {
      const out = await body(ctx);
      if (out.ok) status = 200;
      else [status, message] = [this.deps.answeredWith(out.refusal), out.refusal.detail];
      return out;
    } catch (e) {
      message = (e as Error).message;
      throw e;
    } finally {
      const outcome = status < 400 ? 'ok' : status >= 500 ? 'failed' : 'refused';
      await this.deps.audit
        .record({
          time: new Date(this.deps.now()).toISOString(),
          actor: ctx.user.name,
          subject: ctx.user.subject,
          role: ctx.user.role,
          action: ctx.action,
          call_id: ctx.call_id,
          agent: ctx.agent ?? null,
          session_id: ctx.session_id ?? null,
          detail: ctx.detail,
          outcome,
          status,
          message,
        })
        .catch((err: unknown) => console.error('call control: could not write the audit entry', err));
    }
  }

  /** Refused (forbidden) unless the user has at least `min`; null when it has. */
  roleRefusal(user: AuthUser, min: Role, what: string): Refused | null {
    return hasRole(user, min) ? null : refuse('forbidden', `${what} needs the ${min} role or above; ${user.name} is ${user.role}`);
  }

  /**
   * Engines on one stream share the figures, not the phones: when another engine runs the
   * driver, refused naming it (before this engine judges the request on figures it does not act on).
   */
  async ownerFirst(): Promise<Refused | null> {
    if (this.deps.telephony() !== null) return null;
    const other = await this.deps.driverElsewhere?.().catch(() => null);
    if (!other) return null;
    const where = other.url ? ` at ${other.url}` : '';
    return refused({ kind: 'elsewhere', detail: `call control is executed by engine "${other.engine}"${where}, which runs the telephony driver: send this request there (this engine has the same figures but no phones)`, engine: other.engine, url: other.url });
  }

  /** Asks the driver; refused (conflict) with the driver's reason, driver_failed when it failed. Resolves once applied. */
  async drive(command: AcdCommand): Promise<Outcome<CallEvent[]>> {
    const t = this.deps.telephony();
    if (t === null) return (await this.ownerFirst()) ?? refuse('no_driver', 'no telephony driver is running (neither the simulator nor the SIP edge is on): this action needs one');
    const stop: { refusal?: Refused } = {};
    const { events, refused: notAdmitted } = await refusedOf(this.deps.feed, async () => {
      let outcome;
      try {
        outcome = await t.execute(command);
      } catch (e) {
        stop.refusal =
          e instanceof NotStoredError
            ? notStored(e.failure, `the ${t.name} driver may have acted, the figures do not show it yet`)
            : refuse('driver_failed', `the ${t.name} driver failed: ${(e as Error).message}; nothing was changed`);
        return [];
      }
      if (!outcome.ok) {
        stop.refusal = refuse('conflict', outcome.refused);
        return [];
      }
      await appliedThrough(this.deps.feed, await this.deps.log.lastSeq());
      return outcome.events;
    });
    if (stop.refusal) return stop.refusal;
    // The driver decided, but the figures (the one gate) refused its event: the change did not happen.
    if (notAdmitted.length > 0) {
      const why = notAdmitted.map((r) => `${r.event.type} ${r.reason}`).join('; ');
      return refuse('conflict', `the ${t.name} driver's change was refused by the live state (${why}): nothing was changed`);
    }
    return done([...events]);
  }

  /** Appends call control's own event (notes, monitoring) and resolves once it was applied. */
  async emit(fields: Record<string, unknown> & { type: CallEvent['type'] }): Promise<Outcome<CallEvent>> {
    const input = { id: `${this.prefix}-${++this.n}`, time: new Date(this.deps.now()).toISOString(), source: 'callcontrol', v: 1, ...fields } as CallEventInput;
    const [r] = await this.deps.log.append([input]);
    if (!r || r.status === 'rejected') return refuse('invalid', r?.status === 'rejected' ? r.message : 'the event log refused the event');
    if (r.status === 'not_stored') return notStored(r.cause, 'nothing was changed, try again');
    if (r.seq !== null) await appliedThrough(this.deps.feed, r.seq);
    return done(input as CallEvent);
  }
}

/** The log could not store the action's events (the routes add when to try again). */
function notStored(cause: StoreFailure, then: string): Refused {
  return refused({ kind: 'not_stored', detail: `the event log could not store the action's events: ${cause.message}; ${then}`, cause });
}
