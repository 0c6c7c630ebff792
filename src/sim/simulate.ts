/**
 * Virtual-time runs: as fast as possible, from config.sim.start for a number of hours.
 * Same config and seed, same events, byte for byte.
 */
import type { Writable } from 'node:stream';
import type { CallEvent, Config, Duration } from '../domain/index.js';
import { CallCenterSim } from './call-center.js';

export interface SimulateOptions {
  config: Config;
  /** Defaults to config.sim.seed. */
  seed?: number;
  hours: number;
  idPrefix?: string;
  /** Ring time before an agent answers, every queue (default: each queue's `answer_delay`); Erlang C checks pass `{ dist: 'fixed', mean_s: 0 }`. */
  answerDelay?: Duration;
}

export interface SimulationSummary {
  calls: number;
  events: number;
}

/**
 * Runs the simulation synchronously, calling `onEvent` for each event in log order.
 * @example simulate({ config, seed: 7, hours: 8, onEvent: (e) => events.push(e) }) // { calls: 1450, events: 16210 }
 */
export function simulate(options: SimulateOptions & { onEvent: (e: CallEvent) => void }): SimulationSummary {
  const sim = build(options, (events) => {
    for (const e of events) options.onEvent(e);
  });
  sim.runUntil(horizon(options));
  return { calls: sim.calls, events: sim.events };
}

/**
 * Writes the run as NDJSON (one JSON.stringify per event; keys in one fixed order) to `out`,
 * in virtual-time slices so a long run waits for the stream instead of buffering it all.
 * The stream is left open.
 */
export async function simulateNdjson(options: SimulateOptions & { out: Writable }): Promise<SimulationSummary> {
  let chunk = '';
  const sim = build(options, (events) => {
    for (const e of events) chunk += JSON.stringify(e) + '\n';
  });
  const end = horizon(options);
  for (let t = start(options); ; ) {
    t = Math.min(end, t + 600_000);
    sim.runUntil(t);
    if (chunk.length > 0 && !options.out.write(chunk)) await new Promise((resolve) => options.out.once('drain', resolve));
    chunk = '';
    if (t >= end) break;
  }
  return { calls: sim.calls, events: sim.events };
}

function build(options: SimulateOptions, onEvents: (events: CallEvent[]) => void): CallCenterSim {
  const sim = new CallCenterSim({ ...options, onEvents });
  sim.start(start(options));
  return sim;
}

function start(options: SimulateOptions): number {
  return Date.parse(options.config.sim.start);
}

function horizon(options: SimulateOptions): number {
  return start(options) + options.hours * 3_600_000;
}
