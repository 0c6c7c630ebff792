/**
 * Alerts among engines on one stream (distributed mode). The rule:
 *
 * - One engine judges: the holder of the `alerts` lease (JetStream KV `CC_LEASES`, like the
 *   history lease) evaluates the rules and logs what fires and what resolves (`alert.fired`,
 *   `alert.resolved`); acknowledgements are logged by whichever engine took the request.
 *   Every engine folds those events, so all hold the same alerts under the same ids and
 *   answer `GET /cc/alerts`, the socket's feed and an acknowledgement alike. The standby
 *   keeps judging in its head (pending `for` durations, latest figures) without logging.
 * - Alert history is recorded from the fold by the engine that records history: each one
 *   in its own store, or the history lease's holder in a shared one. Each step carries its
 *   log seq; an engine that starts recording records the steps after the store's highest.
 * - Webhooks are sent by the alerts lease's holder, in log order, from the fold; a cursor in
 *   KV (`CC_ALERTS`, no TTL) says through which seq every step was settled (delivered,
 *   failed or dropped). An engine that takes the lease over sends what its fold holds after
 *   that cursor: a step logged while nobody held the lease, or that the dead holder had
 *   not settled, goes out once from the new holder. The cursor is written once a second, so
 *   a holder killed within that second has some steps sent again by the next: at least
 *   once, never lost while memory holds them, with the same `delivery_id` to deduplicate.
 */
import type { Alert, AlertBook, AlertChange, AlertChangeKind } from '../../processors/index.js';
import type { AlertView } from '../../processors/index.js';
import type { AlertHistory } from './history.js';
import type { WebhookDispatcher } from './webhooks.js';

/** What the alerts need of the engines' leases (src/engine/peers.ts). */
export interface AlertPeers {
  /** This engine holds the `alerts` lease: it judges the rules and sends the webhooks. */
  judges(): boolean;
  /** This engine records alert history now (its own store, or the shared one's lease). */
  recordsHistory(): boolean;
  /** Every alert step through this seq was settled with the webhooks; null: never written. */
  sentThrough(): Promise<number | null>;
  markSent(seq: number): Promise<void>;
}

/** One lifecycle step as folded from the log: the alert as it was at that step. */
export interface AlertStep {
  seq: number;
  /** The log event's id: the webhooks derive their delivery ids from it. */
  eventId: string;
  kind: AlertChangeKind;
  alert: Alert;
}

/** The alert as it was right after the step `kind` (steps are folded in order). */
export function stepOf(a: Alert, kind: AlertChangeKind): Alert {
  if (kind === 'fired') return { ...a, state: 'firing', acknowledgedAt: null, acknowledgedBy: null, comment: null, resolvedAt: null };
  if (kind === 'acknowledged') return { ...a, state: 'acknowledged', resolvedAt: null };
  return { ...a };
}

/** Steps kept in memory for an engine taking history or the webhooks over. */
const KEEP_STEPS = 10_000;

export class SharedAlerts {
  private readonly steps: AlertStep[] = [];
  /** Seq of the newest step forgotten (the bound): a takeover from before it may miss some. */
  private forgotten = 0;
  private recordedThrough: number | null = null;
  private catchingUp = false;
  private sending = false;
  private takingOver = false;
  private readonly unsettled = new Set<number>();
  private sentFrom = 0;
  private written = 0;
  /** What KV holds (written and answered): what /readyz says. */
  private confirmed = 0;
  private writing: Promise<void> = Promise.resolve();
  /** Alerts loaded from history at start, until the replay is over: the steps the log replays of them are steps all the same. */
  private fromHistory = new Set<string>();

  constructor(
    private readonly o: {
      peers: AlertPeers;
      book: AlertBook;
      history: AlertHistory | null;
      webhooks: WebhookDispatcher;
      /** The runner's last applied seq: every step through it was folded. */
      lastSeq: () => number;
      /** The fold reached the log's end (a takeover sends from a cursor only then). */
      caughtUp: () => boolean;
      say: (line: string) => void;
      /** The alert as the API shows it (the service's view: its rule's window named). */
      view: (a: Alert) => AlertView;
    },
  ) {}

  restored(alerts: readonly Alert[]): void {
    for (const a of alerts) this.fromHistory.add(a.id);
  }

  /**
   * The step a log event made (`c`, or null when it changed nothing): an alert restored from
   * history at start was changed already, but the replayed event is its step all the same
   * (whether it was recorded and sent is the cursors' business).
   */
  step(seq: number, eventId: string, c: AlertChange | null, id: string, kind: AlertChangeKind): AlertStep | null {
    if (c) return { seq, eventId, kind, alert: stepOf(c.alert, kind) };
    const a = this.fromHistory.has(id) ? this.o.book.byId.get(id) : undefined;
    if (a === undefined || (kind === 'acknowledged' && a.acknowledgedAt === null) || (kind === 'resolved' && a.state !== 'resolved')) return null;
    return { seq, eventId, kind, alert: stepOf(a, kind) };
  }

  /** A step folded from the log: recorded and sent now if this engine does those. */
  folded(step: AlertStep): void {
    this.steps.push(step);
    if (this.steps.length > KEEP_STEPS) this.forgotten = this.steps.shift()!.seq;
    if (this.recordedThrough !== null && this.o.peers.recordsHistory()) this.record(step);
    if (this.sending) this.send(step);
  }

  /** Follows the leases (every tick): starts or stops recording and sending, writes the cursor. */
  sync(): void {
    if (this.fromHistory.size > 0 && this.o.caughtUp()) this.fromHistory = new Set();
    this.syncHistory();
    this.syncWebhooks();
  }

  /** For /readyz: what this engine does with alerts. */
  describe(): string {
    const judge = this.o.peers.judges()
      ? `holds the alerts lease (judges the rules; webhooks settled through seq ${this.confirmed})`
      : 'stands by for the alerts lease (folds the alerts another engine judges)';
    const history = this.o.history === null ? '' : this.recordedThrough === null ? '; does not record alert history' : `; alert history recorded through seq ${this.recordedThrough}`;
    return judge + history;
  }

  private record(step: AlertStep): void {
    if (step.seq <= this.recordedThrough!) return;
    this.o.history!.record(step.alert, step.seq);
    this.recordedThrough = step.seq;
  }

  private syncHistory(): void {
    if (this.o.history === null) return;
    if (!this.o.peers.recordsHistory()) {
      this.recordedThrough = null;
      return;
    }
    if (this.recordedThrough !== null || this.catchingUp) return;
    this.catchingUp = true;
    void this.o.history
      .recordedThrough()
      .then((through) => {
        if (!this.o.peers.recordsHistory()) return;
        if (this.forgotten > through) this.o.say(`alert history: steps between seq ${through} and ${this.forgotten} are no longer in memory; they stay unrecorded`);
        this.recordedThrough = through;
        for (const s of this.steps) this.record(s);
      })
      .catch((e: unknown) => this.o.say(`alert history: cannot read how far it was recorded (${(e as Error).message}); trying again`))
      .finally(() => (this.catchingUp = false));
  }

  private syncWebhooks(): void {
    if (!this.o.peers.judges()) {
      this.sending = false;
      return;
    }
    if (this.sending) return this.writeCursor();
    if (this.takingOver || !this.o.caughtUp()) return;
    this.takingOver = true;
    void this.o.peers
      .sentThrough()
      // Never written (a new stream): what the log holds now is old news, not to be sent.
      .then((through) => through ?? this.o.lastSeq())
      .then((through) => {
        if (!this.o.peers.judges()) return;
        if (this.forgotten > through) this.o.say(`webhooks: alert steps between seq ${through} and ${this.forgotten} are no longer in memory; they are not sent`);
        this.sending = true;
        this.sentFrom = this.written = this.confirmed = through;
        for (const s of this.steps) if (s.seq > through) this.send(s);
      })
      .catch((e: unknown) => this.o.say(`webhooks: cannot read how far they were sent (${(e as Error).message}); trying again`))
      .finally(() => (this.takingOver = false));
  }

  private send(step: AlertStep): void {
    this.unsettled.add(step.seq);
    void this.o.webhooks.dispatch(step.kind, this.o.view(step.alert), step.eventId).then(() => this.unsettled.delete(step.seq));
  }

  /** Every step through the oldest unsettled one's predecessor (or the fold's end) is settled. */
  private writeCursor(): void {
    let through = this.o.lastSeq();
    for (const seq of this.unsettled) through = Math.min(through, seq - 1);
    through = Math.max(through, this.sentFrom);
    if (through <= this.written) return;
    this.written = through;
    this.writing = this.writing
      .then(() => this.o.peers.markSent(through))
      .then(() => void (this.confirmed = Math.max(this.confirmed, through)))
      .catch((e: unknown) => this.o.say(`webhooks: cannot write how far they were sent (${(e as Error).message})`));
  }

  /** The cursor's last write (a clean stop waits for it). */
  async stop(): Promise<void> {
    if (this.sending) this.writeCursor();
    await this.writing;
  }
}
