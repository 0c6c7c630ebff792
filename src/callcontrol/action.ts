/**
 * The shape every call-control action shares: check, ask the driver (or append call
 * control's own event), wait until the processors applied it, and leave an audit entry
 * whatever the outcome. Errors are ApiErrors, so the API answers them as problem JSON.
 */
import { randomUUID } from 'node:crypto';
import type { AcdCommand } from '../acd/index.js';
import { ApiError, conflict, retryAfter, storeFailureStatus } from '../api/problem.js';
import type { AuthUser } from '../api/auth.js';
import { hasRole } from '../api/auth.js';
import { NotStoredError, type EventLog, type StoreFailure } from '../bus/index.js';
import type { CallEvent, CallEventInput, Role } from '../domain/index.js';
import { appliedThrough, refusedOf, type AppliedFeed } from './applied.js';
import type { AuditEntry, AuditLog } from './audit.js';
import type { Telephony } from './telephony.js';

export interface ActionDeps {
  log: EventLog;
  feed: AppliedFeed;
  /** The driver now (the simulator starts after the processors caught up, so it is looked up late). */
  telephony: () => Telephony | null;
  /** Another engine on the stream that runs a driver (distributed mode), when this one runs none. */
  driverElsewhere?: () => Promise<{ engine: string; url: string | null } | null>;
  audit: AuditLog;
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

export class Actions {
  private readonly prefix = `cc-${randomUUID().slice(0, 8)}`;
  private n = 0;

  constructor(readonly deps: ActionDeps) {}

  newId(kind: string): string {
    return `${kind}-${randomUUID()}`;
  }

  /** Runs `body` and audits its outcome; the audit entry is written before the answer leaves. */
  async audited<T>(ctx: ActionContext, body: (ctx: ActionContext) => Promise<T>): Promise<T> {
    let status = 200;
    let message = 'done';
    try {
      return await body(ctx);
    } catch (e) {
      status = e instanceof ApiError ? e.status : 500;
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

  requireRole(user: AuthUser, min: Role, what: string): void {
    if (!hasRole(user, min)) throw new ApiError(403, `${what} needs the ${min} role or above; ${user.name} is ${user.role}`);
  }

  /**
   * Engines on one stream share the figures, not the phones: when another engine runs the
   * driver, 409 naming it (before this engine judges the request on figures it does not act on).
   */
  async ownerFirst(): Promise<void> {
    if (this.deps.telephony() !== null) return;
    const other = await this.deps.driverElsewhere?.().catch(() => null);
    if (!other) return;
    const where = other.url ? ` at ${other.url}` : '';
    throw new ApiError(409, `call control is executed by engine "${other.engine}"${where}, which runs the telephony driver: send this request there (this engine has the same figures but no phones)`, undefined, {
      'CC-Call-Control-Engine': other.engine,
      ...(other.url ? { 'CC-Call-Control-URL': other.url } : {}),
    });
  }

  /** Asks the driver; refused → 409 with the driver's reason, driver failure → 502. Resolves once applied. */
  async drive(command: AcdCommand): Promise<CallEvent[]> {
    const t = this.deps.telephony();
    if (t === null) {
      await this.ownerFirst();
      throw new ApiError(503, 'no telephony driver is running (neither the simulator nor the SIP edge is on): this action needs one');
    }
    const { events, refused } = await refusedOf(this.deps.feed, async () => {
      let outcome;
      try {
        outcome = await t.execute(command);
      } catch (e) {
        if (e instanceof NotStoredError) throw notStoredError(e.failure, `the ${t.name} driver may have acted, the figures do not show it yet`);
        throw new ApiError(502, `the ${t.name} driver failed: ${(e as Error).message}; nothing was changed`);
      }
      if (!outcome.ok) throw conflict(outcome.refused);
      await appliedThrough(this.deps.feed, await this.deps.log.lastSeq());
      return outcome.events;
    });
    // The driver decided, but the figures (the one gate) refused its event: the change did not happen.
    if (refused.length > 0) {
      const why = refused.map((r) => `${r.event.type} ${r.reason}`).join('; ');
      throw conflict(`the ${t.name} driver's change was refused by the live state (${why}): nothing was changed`);
    }
    return [...events];
  }

  /** Appends call control's own event (notes, monitoring) and resolves once it was applied. */
  async emit(fields: Record<string, unknown> & { type: CallEvent['type'] }): Promise<CallEvent> {
    const input = { id: `${this.prefix}-${++this.n}`, time: new Date(this.deps.now()).toISOString(), source: 'callcontrol', v: 1, ...fields } as CallEventInput;
    const [r] = await this.deps.log.append([input]);
    if (!r || r.status === 'rejected') throw new ApiError(400, r?.status === 'rejected' ? r.message : 'the event log refused the event');
    if (r.status === 'not_stored') throw notStoredError(r.cause, 'nothing was changed, try again');
    if (r.seq !== null) await appliedThrough(this.deps.feed, r.seq);
    return input as CallEvent;
  }
}

/** 507 or 503 with Retry-After: the log could not store the action's events. */
function notStoredError(cause: StoreFailure, then: string): ApiError {
  const { status, retryAfterS } = storeFailureStatus(cause);
  return new ApiError(status, `the event log could not store the action's events: ${cause.message}; ${then}`, undefined, retryAfter(retryAfterS));
}
