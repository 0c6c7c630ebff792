/**
 * Seeded call-center traffic for the randomized processor tests and the processors bench:
 * call lifecycles (ring-outs, answers on the threshold, short abandons, re-queues through
 * call.dequeued + call.queued and through transfers, holds, monitors, notes, consults,
 * wrap-ups, outbound calls), agent state walks, plus deliberately impossible events (whose
 * ids are returned, so the test knows what must be rejected) and duplicates (the same id
 * again, later in the stream). Written independently of processors/.
 */
import { AGENT_STATES, type CallEventInput } from '../../src/domain/index.js';

export interface Traffic {
  /** The stream in log order: sorted by time, duplicates re-sent later. */
  events: CallEventInput[];
  /** Ids of the events that are impossible where they stand. */
  impossible: Set<string>;
  /** How many entries are re-sent duplicates. */
  duplicates: number;
}

export interface TrafficOptions {
  seed: number;
  start: number;
  hours: number;
  callsPerHour: number;
  queues: string[];
  agents: string[];
  impossibleRate?: number;
  duplicateRate?: number;
}

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function generateTraffic(o: TrafficOptions): Traffic {
  const rnd = prng(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const impossibleRate = o.impossibleRate ?? 0;
  const timed: Array<{ at: number; n: number; e: CallEventInput }> = [];
  const impossible = new Set<string>();
  let n = 0;
  const emit = (at: number, type: string, fields: Record<string, unknown>, bad = false): void => {
    const id = `e${o.seed}-${n}`;
    timed.push({ at, n: n++, e: { id, type, time: new Date(at).toISOString(), source: 'sim', v: 1, ...fields } as CallEventInput });
    if (bad) impossible.add(id);
  };
  const end = o.start + o.hours * 3_600_000;

  for (const agent of o.agents) {
    let t = o.start - 1_800_000 + Math.floor(rnd() * 600_000);
    while (t < end + 1_800_000) {
      const state = pick(AGENT_STATES);
      emit(t, 'agent.state_changed', state === 'away' ? { agent, state, reason: pick(['break', 'lunch', 'no_answer']) } : { agent, state });
      t += 1 + Math.floor(-Math.log(1 - rnd()) * 600_000);
    }
  }
  if (o.agents.length > 1) emit(o.start + 60_000, 'agent.queues_changed', { agent: o.agents[1], queues: [o.queues[0], 'late-queue'] });

  const calls = Math.round(o.hours * o.callsPerHour);
  for (let i = 0; i < calls; i++) {
    const call_id = `c${o.seed}-${i}`;
    let t = o.start + Math.floor(rnd() * (end - o.start));
    const at = (gapMin: number, gapMax: number) => (t += 2 + gapMin + Math.floor(rnd() * (gapMax - gapMin)));
    let ended = false;
    const ev = (type: string, fields: Record<string, unknown> = {}) => {
      if (type === 'call.ended') ended = true;
      emit(t, type, { call_id, ...fields });
    };
    const bad = (type: string, fields: Record<string, unknown> = {}) => {
      if (rnd() < impossibleRate) emit(t + 1, type, { call_id, ...fields }, true);
    };
    const outbound = rnd() < 0.1;
    ev('call.arrived', { direction: outbound ? 'outbound' : 'inbound', caller: { number: `+1555${i}`, ...(rnd() < 0.5 ? { name: `Caller ${i}` } : {}) } });
    if (rnd() < impossibleRate) emit(t + 1, 'call.offered', { call_id: `ghost-${call_id}`, queue: o.queues[0], agent: o.agents[0] }, true);
    let queue: string | null = outbound ? null : pick(o.queues);
    let sessions = 0;
    for (let attempt = 0; queue !== null && attempt < 4; attempt++) {
      at(0, 3000);
      ev('call.queued', rnd() < 0.2 ? { queue, priority: Math.floor(rnd() * 3) } : { queue });
      bad('call.abandoned', { queue: queue + '-other' });
      const tIn = t;
      const bucket = rnd();
      // Waits just under, on and over the 20 s threshold, and under the 5 s short-abandon mark.
      const wait = bucket < 0.25 ? Math.floor(rnd() * 5500) : bucket < 0.35 ? pick([19_999, 20_000, 20_001, 30_000]) : Math.floor(rnd() * 90_000);
      if (wait > 8000 && rnd() < 0.4) {
        t = Math.max(t + 2, tIn + Math.floor(wait * 0.2));
        const agent = pick(o.agents);
        ev('call.offered', { queue, agent });
        t = Math.max(t + 2, tIn + Math.floor(wait * 0.5));
        ev('call.offer_ended', { queue, agent, reason: 'no_answer' });
      }
      const r = rnd();
      const agent = pick(o.agents);
      if (r < 0.55 && wait > 1000 && rnd() < 0.5) {
        t = Math.max(t + 2, tIn + wait - 500);
        ev('call.offered', { queue, agent });
      }
      t = Math.max(t + 2, tIn + wait);
      const leftQueue = queue;
      queue = null;
      if (r < 0.55) {
        ev('call.answered', rnd() < 0.7 ? { queue: leftQueue, agent } : { agent });
        const next = talk(agent);
        if (next === 'transferred') queue = pick(o.queues);
        else break;
      } else if (r < 0.75) {
        ev('call.abandoned', { queue: leftQueue });
        at(0, 2000);
        ev('call.ended', { by: 'caller' });
        break;
      } else if (r < 0.9) {
        ev('call.dequeued', { queue: leftQueue, reason: 'overflow' });
        if (rnd() < 0.6) queue = pick(o.queues.filter((q) => q !== leftQueue));
        else {
          at(0, 1000);
          ev('call.ended', { by: 'system' });
          break;
        }
      } else {
        ev('call.ended', { by: rnd() < 0.5 ? 'caller' : 'system' });
        break;
      }
    }
    if (outbound) {
      const agent = pick(o.agents);
      at(1000, 20_000);
      ev('call.answered', { agent });
      talk(agent);
    }
    if (!ended) {
      at(0, 1000);
      ev('call.ended', { by: 'system' });
    }
    bad('call.answered', { agent: pick(o.agents) });

    /** The conversation with one agent; returns how the agent's part ended. */
    function talk(agent: string): 'ended' | 'transferred' {
      bad('call.answered', { agent });
      bad('call.resumed', { agent });
      bad('call.queued', { queue: o.queues[0] });
      const session = `m${o.seed}-${i}-${sessions++}`;
      const monitored = rnd() < 0.15;
      if (monitored) {
        at(1000, 20_000);
        ev('monitor.started', { session_id: session, supervisor: 'sup-1', mode: 'listen' });
        if (rnd() < 0.5) {
          at(1000, 10_000);
          ev('monitor.mode_changed', { session_id: session, supervisor: 'sup-1', mode: 'whisper' });
        }
      }
      if (rnd() < 0.1) {
        at(0, 5000);
        ev('call.note_added', { note: 'caller asked for a callback', author: 'sup-1' });
      }
      at(5000, 240_000);
      let onHold = false;
      if (rnd() < 0.3) {
        ev('call.held', { agent });
        onHold = true;
        at(1000, 60_000);
        if (rnd() < 0.8) {
          ev('call.resumed', { agent });
          onHold = false;
          at(1000, 60_000);
        }
      }
      if (!onHold && rnd() < 0.1) {
        ev('call.consult_started', { consult_id: `k-${call_id}`, agent, target: pick(o.agents) });
        at(1000, 30_000);
        ev('call.consult_ended', { consult_id: `k-${call_id}`, agent, target: pick(o.agents), outcome: 'cancelled' });
        at(1000, 10_000);
      }
      const transfer = rnd() < 0.1;
      if (transfer) ev('call.transferred', { kind: 'blind', from_agent: agent, to: { queue: pick(o.queues) } });
      else ev('call.ended', { by: rnd() < 0.5 ? 'agent' : 'caller' });
      if (monitored) {
        at(0, 1000);
        ev('monitor.ended', { session_id: session, supervisor: 'sup-1', reason: transfer ? 'supervisor' : 'call_ended' });
      }
      if (!transfer && rnd() < 0.5) {
        at(1000, 30_000);
        ev('call.wrapup_submitted', { agent, category: 'support', result: 'resolved' });
      }
      return transfer ? 'transferred' : 'ended';
    }
  }

  timed.sort((a, b) => a.at - b.at || a.n - b.n);
  const events = timed.map((x) => x.e);
  let duplicates = 0;
  const rate = o.duplicateRate ?? 0;
  if (rate > 0) {
    // Re-send some events a little later in the stream (same id, same content), as a retrying source would.
    for (let k = events.length - 1; k >= 0; k--) {
      if (rnd() >= rate) continue;
      const later = Math.min(events.length, k + 1 + Math.floor(rnd() * 50));
      events.splice(later, 0, events[k]!);
      duplicates++;
    }
  }
  return { events, impossible, duplicates };
}
