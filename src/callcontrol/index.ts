/**
 * Call control: supervisor actions on live calls, through a telephony driver (the
 * simulator for now), with a per-call audio mixer and an immutable audit trail.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../api/index.js';
import type { EventLog } from '../bus/index.js';
import type { Config } from '../domain/index.js';
import type { AppliedFeed } from './applied.js';
import type { AuditLog } from './audit.js';
import { CallAudio } from './call-audio.js';
import { callControlRoutes, refusalStatus } from './routes.js';
import { CallControl } from './service.js';
import { SimulatorTelephony } from './sim-driver.js';
import { SimulatedPhones } from './sim-audio.js';
import { loadVoices } from './sim-voices.js';
import type { SimulationHandle, Telephony } from './telephony.js';
import type { SessionBookJson, SupervisorSession } from './sessions.js';
import type { Consultation } from './consults.js';
import type { OpenHelp } from './help.js';
import { helpRoutes } from './help-routes.js';

/** Call control's folds of the log (snapshots): monitoring sessions and consultations in progress. */
export type CallControlJson = SessionBookJson & { consults: Consultation[]; help?: OpenHelp[] };

export interface CallControlOptions {
  config: Config;
  log: EventLog;
  /** The engine's Pipeline (runner + onChange). */
  pipeline: AppliedFeed & { readonly caughtUp?: boolean };
  audit: AuditLog;
  /** The running simulation, looked up when an action needs it (undefined: no driver, 503). */
  simulation?: () => SimulationHandle | undefined;
  /** The engine's driver (its live ACD, with the SIP edge's and the simulator's phones); wins over `simulation`. */
  telephony?: () => Telephony | null;
  /** Distributed mode: the engine that runs a driver when this one does not (its actions answer 409 naming it). */
  driverElsewhere?: () => Promise<{ engine: string; url: string | null } | null>;
  /** The simulated caller and agent speak the demo's conversation (assets/voices) instead of playing test tones. */
  simVoices?: boolean;
  /** Runs the media clock (a frame every 20 ms) from start(); tests pump frames themselves. */
  mediaClock?: boolean;
  /** The engine's clock (epoch ms): call views, consultation start times. */
  now: () => number;
}

export interface CallControlPart {
  routes: Array<OpenAPIHono<AppEnv>>;
  /** Help requests (mounted after every other group: the conformance fuzz seeds operations by their place in the document). */
  helpRoutes: OpenAPIHono<AppEnv>;
  service: CallControl;
  /** The rooms of calls with a driver's audio (null until a driver exists). */
  audio(): CallAudio | null;
  telephony(): Telephony | null;
  /** The folds of the log kept here (monitoring sessions), for snapshots. */
  snapshot(): CallControlJson;
  /** Puts a snapshot's folds back before the log after it is followed. */
  restore(j: CallControlJson): void;
  start(): void;
  stop(): void;
}

/**
 * Builds call control. Create it before `pipeline.start()` so the replay rebuilds the
 * monitoring sessions and the consultations in progress; `simulation` is read lazily, so the simulator may start later.
 * @example const cc = createCallControl({ config, log, pipeline, audit: storedAudit(store.auditRecords), simulation: () => sim, now: () => clock.now() });
 */
export function createCallControl(o: CallControlOptions): CallControlPart {
  const now = o.now;
  let sim: SimulatorTelephony | null = null;
  const telephony = (): Telephony | null => {
    if (o.telephony) return o.telephony();
    const handle = o.simulation?.();
    if (!handle) return null;
    if (!sim) sim = new SimulatorTelephony(handle, new SimulatedPhones('pcmu', new Map(), o.simVoices ? loadVoices() : null));
    return sim;
  };
  const service = new CallControl(o.config, { log: o.log, feed: o.pipeline, telephony, audit: o.audit, answeredWith: refusalStatus, now, caughtUp: () => o.pipeline.caughtUp ?? true, ...(o.driverElsewhere ? { driverElsewhere: o.driverElsewhere } : {}) });
  const isAgent = (id: string) => service.isAgent(id);
  let audio: CallAudio | null = null;
  const audioNow = (): CallAudio | null => {
    const t = telephony();
    if (t && !audio) {
      audio = new CallAudio(t, isAgent, (call) => t.release?.(call));
      // Calls connected before the driver existed (the demo's day so far, a restart) get their audio too.
      audio.seed(o.pipeline.runner.activeCalls(now()));
      if (running && o.mediaClock !== false) audio.start();
    }
    return audio;
  };
  let running = false;
  const timers = new Set<NodeJS.Timeout>();

  // A session the call's end cut gets its monitor.ended, unless the log already has it
  // (a replay meets it a little later): so every session's end is in the log and the audit.
  const closeLater = (s: SupervisorSession) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!service.sessions.cut.has(s.session_id)) return;
      void service
        .closeCutSession(s)
        .then((o) => o.ok || console.error('call control: could not close a cut session', o.refusal.detail))
        .catch((e: unknown) => console.error('call control: could not close a cut session', e));
    }, 500);
    timer.unref?.();
    timers.add(timer);
  };
  const off = o.pipeline.onChange((_changed, events) => {
    const room = audioNow();
    for (const { event } of events) {
      room?.apply(event);
      const cut = service.sessions.apply(event);
      service.consults.apply(event);
      service.help.apply(event);
      for (const s of cut) closeLater(s);
    }
  });

  return {
    routes: [callControlRoutes(service, o.audit, o.config.wrapup)],
    helpRoutes: helpRoutes(service),
    service,
    audio: audioNow,
    telephony,
    snapshot: () => ({ ...service.sessions.snapshot(), consults: service.consults.all(), help: service.help.snapshot() }),
    restore(j) {
      service.sessions.restore(j);
      service.consults.restore(j.consults);
      service.help.restore(j.help);
      for (const s of service.sessions.cut.values()) closeLater(s);
    },
    start() {
      running = true;
      if (o.mediaClock !== false) audioNow()?.start();
    },
    stop() {
      running = false;
      off();
      for (const t of timers) clearTimeout(t);
      audio?.stop();
    },
  };
}

export { CallControl } from './service.js';
export { ConsultBook, type Consultation } from './consults.js';
export { SessionBook, type SupervisorSession, type SessionBookJson } from './sessions.js';
export { CallAudio, CALLER, type Detach } from './call-audio.js';
export { SimulatorTelephony } from './sim-driver.js';
export { AcdTelephony, type PartyPhones } from './acd-driver.js';
export { SimulatedPhones, SIM_TONES } from './sim-audio.js';
export { Voices, loadVoices, type Conversation, type Speaker } from './sim-voices.js';
export { storedAudit, AuditEntry, AUDIT_ACTIONS, type AuditLog, type AuditInput, type AuditQuery } from './audit.js';
export { appliedThrough, type AppliedFeed } from './applied.js';
export { callControlRoutes, answered, refusalError, refusalStatus } from './routes.js';
export { done, refuse, refused, type Outcome, type Refusal, type RefusalKind, type Refused } from './outcome.js';
export type { Telephony, DriverOutcome, SimulationHandle } from './telephony.js';
