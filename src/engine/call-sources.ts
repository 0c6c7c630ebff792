/**
 * Engine.start's call-source stage: one live ACD for the simulator and the SIP edge, and
 * the telephony driver call control acts through.
 */
import { randomBytes } from 'node:crypto';
import type { Runner } from '../../processors/index.js';
import { LiveAcd } from '../acd/index.js';
import { appendOrThrow, type EventLog } from '../bus/index.js';
import { AcdTelephony, loadVoices, SimulatedPhones, type createCallControl } from '../callcontrol/index.js';
import { HostPort, SipConfig, type Config } from '../domain/index.js';
import type { EngineMetrics } from '../metrics/index.js';
import { registerSipMetrics, SipEdge } from '../sip/index.js';
import { closeLeftovers, startDemo } from './demo.js';
import type { Pipeline } from './pipeline.js';
import type { CallSources, EngineOptions, Say, Undo } from './wiring.js';

/**
 * One live ACD for every call source, so simulated and real calls share the queues: the
 * simulator (after it caught up with the day so far) and the SIP edge; fills in `calls`.
 */
export async function startCallSources(
  o: EngineOptions,
  say: Say,
  undo: Undo,
  s: { log: EventLog; runner: Runner; metrics: EngineMetrics; pipeline: Pipeline; callControl: ReturnType<typeof createCallControl>; calls: CallSources },
): Promise<void> {
  const { settings, config, clock } = o;
  const { log, runner, metrics, pipeline, callControl, calls } = s;
  const sipConfig = sipSettings(settings.sip, config);
  if (!settings.sim && !sipConfig) return;
  await waitFor(() => pipeline.caughtUp, 60_000);
  const acd = (calls.acd = new LiveAcd({
    config,
    clock,
    append: (events) => appendOrThrow(log, events),
    idPrefix: `acd-${randomBytes(4).toString('hex')}-`,
    onError: (e) => say(`ACD: could not append to the event log (${(e as Error).message})`),
  }));
  undo.unshift(() => acd.stop());
  if (settings.sim) {
    // The simulator first catches up with the day so far (before the SIP edge takes calls,
    // so the log's times only move forward), then goes on live on this ACD.
    calls.sim = await startDemo({ config, log, pipeline, runner, clock, acd, seed: settings.seed, catchUp: settings.simCatchUp, say: (l) => say(`simulator: ${l}`) });
    undo.unshift(async () => calls.sim?.stop());
  } else {
    await closeLeftovers(log, runner, clock.now());
  }
  if (sipConfig) {
    const sip = (calls.sip = await SipEdge.start({
      config,
      sip: sipConfig,
      acd,
      clock,
      feed: pipeline,
      say: (l) => say(`sip: ${l}`),
      // The agent's help code on its phone asks like POST /cc/me/help (via: phone).
      onFeatureCode: (k) => {
        const nothing = (why: string) => say(`sip: ${k.agent}'s help code on call ${k.call} asked nothing: ${why}`);
        void callControl.service.help
          .fromPhone(k.agent, k.call)
          .then((out) => out === null || out.ok || nothing(out.refusal.detail))
          .catch((e: unknown) => nothing((e as Error).message));
      },
    }));
    undo.unshift(() => sip.stop());
    registerSipMetrics(metrics.registry, () => calls.sip);
    say(`SIP edge on ${sipConfig.listen.host}:${sip.port} (udp+tcp)${sip.tlsPort ? `, tls :${sip.tlsPort}` : ''}, RTP ${sipConfig.rtp.host ?? sipConfig.listen.host}:${sipConfig.rtp.ports.join('-')}`);
  }
  const name = [settings.sim ? 'simulator' : '', calls.sip ? 'sip' : ''].filter(Boolean).join('+');
  calls.driver = new AcdTelephony(name, acd, calls.sip ? [calls.sip] : [], new SimulatedPhones('pcmu', new Map(), settings.simVoices ? loadVoices() : null));
}

/** The SIP edge's settings: the config's sip section, with --sip / CC_SIP over its address; undefined when off. */
function sipSettings(flag: string | undefined, config: Config): SipConfig | undefined {
  if (flag === undefined) return config.sip;
  const listen = HostPort.safeParse(flag);
  if (!listen.success) throw new Error(`--sip / CC_SIP: ${listen.error.issues[0]?.message ?? 'must be HOST:PORT'}`);
  return { ...(config.sip ?? SipConfig.parse({})), listen: listen.data };
}

/** Polls `cond` every 20 ms; gives up after `timeoutMs` of real time (a plumbing deadline, not the engine's clock). */
async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  let late = false;
  const deadline = setTimeout(() => (late = true), timeoutMs);
  try {
    while (!cond()) {
      if (late) throw new Error('timed out replaying the event log');
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    clearTimeout(deadline);
  }
}
