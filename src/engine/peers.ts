/**
 * Engines on one stream (distributed mode): each reads the whole stream and holds the full
 * state, so any of them answers the API and the wallboard. What they must not both do is
 * decided here, through leases in JetStream KV (lease.ts):
 *
 * - history: with one shared ClickHouse (CLICKHOUSE_URL), one engine writes at a time (the
 *   `history` lease); the others keep their decisions in standby and take over from the
 *   checkpoint they find when the holder's lease lapses (a crash) or is given up (a stop).
 *   Without a shared store each engine keeps its own history and there is no lease.
 * - alerts: the holder of the `alerts` lease judges the rules and sends the webhooks; every
 *   engine folds the alerts it logs (src/alerts/shared.ts). Its own lease, not the history
 *   one: without a shared store every engine records its own alert history, and still only
 *   one may page. Webhook progress is kept in `CC_ALERTS` (no TTL).
 * - call control: the engine that runs a telephony driver says so (`telephony.<engine>`,
 *   with its URL); another engine's call-control actions answer 409 naming it.
 */
import type { EventLog, JetStreamLog } from '../bus/index.js';
import type { Clock, Config } from '../domain/index.js';
import { createRunner, type DecidedBatch } from '../../processors/index.js';
import type { HistoryWriter } from '../store/index.js';
import type { AlertPeers } from '../alerts/index.js';
import { kvLeases, kvProgress, type LeaseHolder, type Leases } from './lease.js';
import { decideBatch } from './pipeline.js';
import { loadParts, type Restored } from './restore.js';

const HISTORY = 'history';
const ALERTS = 'alerts';
const TELEPHONY = 'telephony';

export interface Peers {
  /** Whether this engine writes history (for /readyz); null without a shared store. */
  readonly writesHistory: boolean | null;
  /** Tries the leases now, then every third of the TTL. */
  start(writer: HistoryWriter): Promise<void>;
  /** This engine's role among the engines on the stream, for /readyz. */
  describe(): Promise<string>;
  /** The engine running a telephony driver, when it is another one. */
  driverElsewhere(): Promise<LeaseHolder | null>;
  /** What the alerts need: who judges and sends, who records history, the webhooks' cursor. */
  readonly alerts: AlertPeers;
  /** Gives the leases up (a clean stop, after the writer's last flush). */
  stop(): Promise<void>;
}

export interface PeersOptions {
  log: JetStreamLog;
  engine: string;
  url: string | null;
  ttlMs: number;
  /** A ClickHouse shared by the engines: history is written under the lease. */
  sharedHistory: boolean;
  /** Whether this engine runs a telephony driver now. */
  hasDriver: () => boolean;
  clock: Clock;
  say: (line: string) => void;
}

export async function openPeers(o: PeersOptions): Promise<Peers> {
  const leases: Leases = await kvLeases(o.log.connection, { engine: o.engine, url: o.url }, o.ttlMs);
  let writer: HistoryWriter | null = null;
  const progress = await kvProgress(o.log.connection);
  let holds: boolean | null = o.sharedHistory ? false : null;
  let judges = false;
  let stopTimer: (() => void) | null = null;
  let round: Promise<void> = Promise.resolve();

  async function once(): Promise<void> {
    if (o.sharedHistory && writer) {
      const held = await leases.hold(HISTORY).catch(() => false);
      if (held && !holds) {
        o.say(`history lease taken: this engine writes history from the store's checkpoint on`);
        await writer.activate();
      } else if (!held && holds !== false) {
        const h = await leases.holder(HISTORY).catch(() => null);
        o.say(`history is written by engine ${h?.engine ?? '(unknown)'}: this one stands by`);
        writer.standBy();
      }
      holds = held;
    }
    const held = await leases.hold(ALERTS).catch(() => false);
    if (held !== judges) o.say(held ? 'alerts lease taken: this engine judges the alert rules and sends the webhooks' : 'alerts lease lost: another engine judges the alert rules');
    judges = held;
    const key = `${TELEPHONY}.${o.engine}`;
    if (o.hasDriver()) await leases.hold(key).catch(() => false);
    else await leases.release(key);
  }

  const driverElsewhere = async (): Promise<LeaseHolder | null> => (await leases.holders(TELEPHONY)).find((h) => h.engine !== o.engine) ?? null;

  return {
    get writesHistory() {
      return holds;
    },
    async start(w) {
      writer = w;
      await once();
      stopTimer = o.clock.every(Math.max(250, Math.floor(o.ttlMs / 3)), () => {
        round = round.then(once).catch((e: unknown) => o.say(`leases: ${(e as Error).message}`));
      });
    },
    async describe() {
      const history =
        holds === null
          ? 'writes its own history (no shared ClickHouse: no history lease)'
          : holds
            ? 'holds the history lease (writes history)'
            : `stands by for the history lease (held by ${(await leases.holder(HISTORY).catch(() => null))?.engine ?? 'nobody yet'})`;
      const other = o.hasDriver() ? null : await driverElsewhere().catch(() => null);
      const calls = o.hasDriver() ? 'executes call control (runs the telephony driver)' : other ? `call control goes to engine ${other.engine}${other.url ? ` at ${other.url}` : ''}` : 'no engine runs a telephony driver';
      return `engine ${o.engine}: ${history}; ${calls}`;
    },
    driverElsewhere,
    alerts: {
      judges: () => judges,
      recordsHistory: () => holds !== false,
      sentThrough: () => progress.get('webhooks_sent'),
      markSent: (seq) => progress.raise('webhooks_sent', seq),
    },
    async stop() {
      stopTimer?.();
      await round;
      judges = false;
      await leases.release(ALERTS);
      await leases.release(HISTORY);
      await leases.release(`${TELEPHONY}.${o.engine}`);
    },
  };
}

/**
 * Decides (fromSeq, toSeq] of the log again, for a history writer taking over after its
 * standby dropped decisions: from the newest snapshot at or before fromSeq (or the log's
 * start), through a runner of its own, by the pipeline's code (decideBatch).
 */
export function historyCatchUp(o: { log: EventLog; config: Config; restored: Restored | null; say: (line: string) => void }) {
  return async function* (fromSeq: number, toSeq: number): AsyncGenerator<DecidedBatch> {
    let runner = createRunner(o.config);
    if (o.restored) {
      const loaded = await loadParts({ store: o.restored.store, fingerprint: o.restored.fingerprint, historySeq: fromSeq, log: o.log, say: o.say });
      if (loaded) runner = createRunner(o.config, { from: loaded.parts.runner });
    }
    o.say(`history catch-up: deciding seq ${runner.lastSeq + 1}..${toSeq} again from the log`);
    for (let seq = runner.lastSeq + 1; seq <= toSeq; ) {
      const batch = await o.log.read(seq, 4096);
      if (batch.length === 0) return;
      const part = batch.filter((e) => e.seq <= toSeq);
      if (part.length > 0) yield decideBatch(runner, part);
      seq = batch[batch.length - 1]!.seq + 1;
    }
  };
}
