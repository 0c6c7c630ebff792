/**
 * Test helper: a small seeded generator of valid call-center days (CallEvent v1 inputs in
 * log order). Agents are booked from offer to the end of their after-call work, so every
 * agent's and every call's events are consistent. It covers what the history must count:
 * answered, abandoned (some short), overflowed and timed-out calls, holds, transfers, notes,
 * wrap-ups, monitoring, outbound calls and caller names built to break a CSV.
 */
import type { CallEventInput } from '../../src/domain/index.js';
import { prng } from './naive-traffic.js';

const NASTY_NAMES = ['=HYPERLINK("http://x","click")', '+cmd|calc', '-2+3', '@SUM(A1)', '\tTabbed', 'Quote "Q" Smith', 'Comma, Inc', 'Line\nBreak', "'apostrophe", 'Zoë Ünïcode'];

export interface GenOptions {
  seed: number;
  calls: number;
  start: string;
  agents?: number;
  queues?: string[];
  meanGapS?: number;
}

export function generateDay(o: GenOptions): CallEventInput[] {
  const r = prng(o.seed);
  const exp = (mean: number) => -Math.log(1 - r()) * mean;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const queues = o.queues ?? ['sales-queue', 'support-queue', 'billing-queue'];
  const agentIds = Array.from({ length: o.agents ?? 6 }, (_, i) => `agent-${String(i + 1).padStart(3, '0')}`);
  const t0 = Date.parse(o.start);
  const out: { t: number; n: number; e: Omit<CallEventInput, 'id' | 'time' | 'source' | 'v'> }[] = [];
  let n = 0;
  const emit = (t: number, e: Record<string, unknown>) => out.push({ t: Math.round(t), n: n++, e: e as never });
  const free = new Map(agentIds.map((a) => [a, t0]));
  for (const a of agentIds) emit(t0 - 60_000, { type: 'agent.state_changed', agent: a, state: 'idle' });
  const setState = (a: string, t: number, state: string) => emit(t, { type: 'agent.state_changed', agent: a, state });

  /** Books the earliest free agent at or after t: offer, answer, talk, wrap-up. Returns the end. */
  const serve = (call_id: string, queue: string | null, tAnswer: number, agent: string): number => {
    const ring = queue ? 2000 + r() * 4000 : 0;
    if (queue) {
      setState(agent, tAnswer - ring, 'ringing');
      emit(tAnswer - ring, { type: 'call.offered', call_id, queue, agent });
    }
    emit(tAnswer, { type: 'call.answered', call_id, agent, ...(queue ? { queue } : {}) });
    setState(agent, tAnswer, 'busy');
    const talk = 30_000 + exp(150_000);
    // A possible life only (the runner refuses the rest): a transfer comes after the hold ended.
    let resumed = tAnswer;
    if (r() < 0.2) {
      const h = tAnswer + talk * 0.3;
      resumed = h + 5000 + r() * 30_000;
      emit(h, { type: 'call.held', call_id, agent });
      emit(resumed, { type: 'call.resumed', call_id, agent });
    }
    if (r() < 0.1) emit(tAnswer + talk * 0.5, { type: 'monitor.started', session_id: `m-${call_id}`, call_id, supervisor: 'sup-1', mode: 'listen' });
    if (r() < 0.05) emit(Math.max(tAnswer + talk * 0.6, resumed + 1000), { type: 'call.transferred', call_id, kind: 'blind', from_agent: agent, to: { number: '+3300000' } });
    if (r() < 0.3) emit(tAnswer + talk * 0.7, { type: 'call.note_added', call_id, note: pick(['callback asked', '=1+1', 'said "thanks", left']), author: agent });
    const end = tAnswer + talk + 40_000; // hold and monitor windows end before this
    emit(end, { type: 'call.ended', call_id, by: r() < 0.5 ? 'caller' : 'agent' });
    setState(agent, end, 'wrapup');
    const acw = 5000 + exp(20_000);
    emit(end + acw / 2, { type: 'call.wrapup_submitted', call_id, agent, category: pick(['sales', 'support', 'billing']), result: pick(['resolved', 'callback']) });
    setState(agent, end + acw, 'idle');
    free.set(agent, end + acw + 1000);
    return end;
  };
  const earliest = () => [...free.entries()].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))[0]!;

  let t = t0;
  for (let i = 0; i < o.calls; i++) {
    t += exp((o.meanGapS ?? 40) * 1000);
    const call_id = `call-${o.seed}-${i}`;
    const outbound = r() < 0.08;
    const name = r() < 0.15 ? pick(NASTY_NAMES) : `Caller ${i}`;
    emit(t, { type: 'call.arrived', call_id, direction: outbound ? 'outbound' : 'inbound', caller: { number: `+3361${String(i).padStart(6, '0')}`, name } });
    if (outbound) {
      const [agent, at] = earliest();
      serve(call_id, null, Math.max(t, at) + 3000, agent);
      continue;
    }
    let queue = pick(queues);
    let tIn = t + 500;
    emit(tIn, { type: 'call.queued', call_id, queue });
    const patience = r() < 0.1 ? 1000 + r() * 3000 : exp(120_000);
    const [agent, at] = earliest();
    let answerAt = Math.max(tIn + 7000, at + 6000);
    // Sales overflows to support after 60 s (a second attempt in another queue).
    if (queue === 'sales-queue' && answerAt - tIn > 60_000 && patience > 60_000) {
      emit(tIn + 60_000, { type: 'call.dequeued', call_id, queue, reason: 'overflow', target: 'support-queue' });
      queue = 'support-queue';
      tIn += 60_000;
      emit(tIn, { type: 'call.queued', call_id, queue });
      answerAt = Math.max(answerAt, tIn + 7000);
    }
    if (answerAt - t > patience) {
      const tOut = Math.max(tIn + 200, t + patience);
      if (r() < 0.15) {
        emit(tOut, { type: 'call.dequeued', call_id, queue, reason: 'timeout' });
        emit(tOut + 100, { type: 'call.ended', call_id, by: 'system', cause: 'max wait' });
      } else {
        emit(tOut, { type: 'call.abandoned', call_id, queue });
        emit(tOut + 100, { type: 'call.ended', call_id, by: 'caller' });
      }
      continue;
    }
    serve(call_id, queue, answerAt, agent);
  }
  out.sort((a, b) => a.t - b.t || a.n - b.n);
  return out.map(({ t, e }, i) => ({ id: `ev-${o.seed}-${i}`, time: new Date(t).toISOString(), source: 'sim', v: 1, ...e }) as CallEventInput);
}
