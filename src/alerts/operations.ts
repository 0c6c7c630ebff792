/**
 * The alerts' own events (docs/events.md, operational events): an acknowledgement or a rule
 * override is appended to the log, and the API answers once the pipeline admitted it and the
 * alerts folded it, with the outcome of that fold (the alert may have resolved in between).
 * The same fold runs on replay, so a restart rebuilds acknowledgements and overrides.
 */
import { randomUUID } from 'node:crypto';
import type { AppendResult, EventLog } from '../bus/index.js';
import type { CallEventInput, OperationalEvent } from '../domain/index.js';

/** What the alerts need of the event log. */
export type AppendOnly = Pick<EventLog, 'append'>;

/** Why an append of the alerts' own events did not store them, or null when it did. */
export function notStored(results: readonly AppendResult[]): string | null {
  for (const r of results) {
    if (r.status === 'rejected') return r.message;
    if (r.status === 'not_stored') return r.cause.message;
  }
  return results.length === 0 ? 'the event log answered nothing' : null;
}

export type Applied<T> = { ok: true; value: T } | { ok: false; reason: string };

type Fields = { [K in OperationalEvent['type']]: Omit<Extract<OperationalEvent, { type: K }>, 'id' | 'time' | 'source' | 'v' | 'type'> & { type: K } }[OperationalEvent['type']];

/** Appends operational events and hands each caller the outcome its event had when folded. */
export class OperationalWriter<T> {
  private readonly prefix = `alerts-${randomUUID().slice(0, 8)}`;
  private n = 0;
  private readonly waiting = new Map<string, (value: T) => void>();

  constructor(
    private readonly log: AppendOnly,
    private readonly now: () => number,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Appends one event (at `at`, default now); resolves with what `settle` was given for it, or why it was not applied. */
  async write(fields: Fields, at = this.now()): Promise<Applied<T>> {
    const id = `${this.prefix}-${++this.n}`;
    const input = { id, time: new Date(at).toISOString(), source: 'alerts', v: 1, ...fields } as CallEventInput;
    let timer: NodeJS.Timeout | undefined;
    // Waiting before appending: an in-process log may deliver before append resolves.
    const folded = new Promise<Applied<T>>((resolve) => {
      this.waiting.set(id, (value) => resolve({ ok: true, value }));
      timer = setTimeout(() => resolve({ ok: false, reason: `the event log did not deliver it within ${this.timeoutMs} ms` }), this.timeoutMs);
    });
    try {
      const refused = notStored(await this.log.append([input]));
      if (refused !== null) return { ok: false, reason: refused };
      return await folded;
    } catch (e) {
      return { ok: false, reason: `the event log could not take it (${(e as Error).message})` };
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }

  /** Told by the fold: the event `id` (if written here) had this outcome. */
  settle(id: string, value: T): void {
    this.waiting.get(id)?.(value);
  }
}
