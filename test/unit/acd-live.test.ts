/**
 * The live ACD shell on a manual clock: timers fire on the engine's time, events reach the
 * log in decision order, times never go back, subscribers hear decisions in order even
 * when they decide while being told, and stop() leaves no timer behind.
 */
import { describe, expect, it } from 'vitest';
import { LiveAcd } from '../../src/acd/index.js';
import { ManualClock, parseConfig, validateEvent, type CallEvent } from '../../src/domain/index.js';
import { brief, T0 } from './acd-harness.js';

const config = parseConfig({
  queues: [{ id: 'sales', routing: { ring_timeout_s: 10, max_wait_s: 60 } }],
  agents: [{ id: 'a1', queues: ['sales'] }, { id: 'a2', queues: ['sales'] }],
});

function setup() {
  const clock = new ManualClock(T0);
  const logged: CallEvent[] = [];
  let release = () => {};
  const gate = new Promise<void>((r) => (release = r));
  const acd = new LiveAcd({
    config,
    clock,
    idPrefix: 'live',
    // A slow log: the first append waits until released, the chain must keep the order anyway.
    append: async (events) => {
      if (logged.length === 0) await gate;
      logged.push(...events);
    },
  });
  return { clock, logged, acd, release: () => release() };
}

describe('LiveAcd', () => {
  it('runs the ring timer on the clock and appends in decision order', async () => {
    const { clock, logged, acd, release } = setup();
    acd.decide({ type: 'agent.login', agent: 'a1' }, 'sip');
    acd.decide({ type: 'agent.login', agent: 'a2' }, 'sim');
    clock.advance(1000);
    acd.decide({ type: 'call.arrive', call_id: 'c1', queue: 'sales', caller: { number: '+1555' } }, 'sip');
    expect(acd.pendingTimers).toBe(2);
    clock.advance(10_000); // a1 lets it ring out
    release();
    await acd.stop();
    expect(logged.map(brief)).toEqual([
      'agent.queues_changed a1 [sales]',
      'agent.state_changed a1 idle',
      'agent.queues_changed a2 [sales]',
      'agent.state_changed a2 idle',
      'call.arrived c1 inbound',
      'call.queued c1 sales',
      'call.offered c1 sales a1',
      'agent.state_changed a1 ringing',
      'call.offer_ended c1 sales a1 no_answer',
      'agent.state_changed a1 away no_answer',
      'call.offered c1 sales a2',
      'agent.state_changed a2 ringing',
    ]);
    expect(logged.map((e) => e.source)).toEqual(['sip', 'sip', 'sim', 'sim', 'sip', 'sip', 'sip', 'sip', 'acd', 'acd', 'acd', 'acd']);
    expect(logged.find((e) => e.type === 'call.offer_ended')!.time).toBe(new Date(T0 + 11_000).toISOString());
    for (const e of logged) expect(validateEvent(e).ok).toBe(true);
    expect(new Set(logged.map((e) => e.id)).size).toBe(logged.length);
    expect(acd.pendingTimers).toBe(0);
    expect(clock.pending).toBe(0);
  });

  it('never dates a decision before the last one, even when the clock steps back', async () => {
    const { clock, logged, acd, release } = setup();
    release();
    clock.advance(5000);
    acd.decide({ type: 'agent.login', agent: 'a1' });
    (clock as unknown as { at: number }).at = T0; // a clock that jumped back
    acd.decide({ type: 'agent.break', agent: 'a1', reason: 'lunch' });
    await acd.stop();
    expect(logged.map((e) => e.time)).toEqual(Array(3).fill(new Date(T0 + 5000).toISOString()));
  });

  it('tells subscribers breadth first: a decision made while being told comes after the one told', async () => {
    const { acd, release } = setup();
    release();
    const a: string[] = [];
    const b: string[] = [];
    acd.subscribe((events) => {
      a.push(...events.map(brief));
      // React to the offer at once, as a simulated agent with no ring time would.
      for (const e of events) if (e.type === 'call.offered') acd.decide({ type: 'offer.answer', call_id: e.call_id, agent: e.agent });
    });
    acd.subscribe((events) => b.push(...events.map(brief)));
    acd.decide({ type: 'agent.login', agent: 'a1' });
    acd.decide({ type: 'call.arrive', call_id: 'c1', queue: 'sales', caller: { number: '+1555' } });
    await acd.stop();
    expect(b).toEqual(a);
    expect(b.slice(-2)).toEqual(['call.answered c1 sales a1', 'agent.state_changed a1 busy']);
  });

  it('refuses and emits nothing once stopped', async () => {
    const { acd, release } = setup();
    release();
    await acd.stop();
    expect(acd.decide({ type: 'agent.login', agent: 'a1' }).decision.refused).toBe('the ACD is stopped');
  });
});
