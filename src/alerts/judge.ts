/**
 * The judge of engines on one stream (shared.ts): what an evaluation decided is logged
 * (`alert.fired`, `alert.resolved`) instead of applied, and changes the alerts once the log
 * folds it back, on this engine as on every other. Until then the decision is in flight,
 * so the next evaluation does not decide it again; an event that could not be logged is
 * decided again by a later evaluation.
 */
import { newAlertId, type AlertBook, type AlertDecision, type InFlight } from '../../processors/index.js';
import { OperationalWriter, type AppendOnly } from './operations.js';

export class AlertJudge {
  private readonly fires = new Set<string>();
  private readonly resolves = new Set<string>();
  readonly inFlight: InFlight = { fires: this.fires, resolves: this.resolves };
  private readonly writes: OperationalWriter<null>;

  constructor(
    log: AppendOnly,
    now: () => number,
    private readonly say: (line: string) => void,
  ) {
    this.writes = new OperationalWriter<null>(log, now);
  }

  /** Logs what `decision` (judged at `at`) fires and resolves. */
  log(book: AlertBook, decision: AlertDecision, at: number): void {
    for (const c of decision.fire) {
      this.fires.add(c.key);
      const id = newAlertId(book, c.key, at);
      const fields = { type: 'alert.fired' as const, alert_id: id, alert_type: c.type, queue: c.queue, ...(c.call === null ? {} : { call: c.call }), value: c.value, threshold: c.threshold };
      void this.writes.write(fields, at).then((r) => {
        this.fires.delete(c.key);
        if (!r.ok) this.say(`alert ${id} could not be logged (${r.reason}); judged again at the next evaluation`);
      });
    }
    for (const a of decision.resolve) {
      this.resolves.add(a.id);
      void this.writes.write({ type: 'alert.resolved', alert_id: a.id, last_value: a.lastValue }, at).then((r) => {
        this.resolves.delete(a.id);
        if (!r.ok) this.say(`the resolution of alert ${a.id} could not be logged (${r.reason}); judged again at the next evaluation`);
      });
    }
  }

  /** Told by the fold: the event `id` (if logged here) is applied. */
  settle(id: string): void {
    this.writes.settle(id, null);
  }
}
