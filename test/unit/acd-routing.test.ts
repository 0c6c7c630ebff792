/** ACD routing as tables: given these commands at these times, these events and timers. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/acd/index.js';
import { harness, T0 } from './acd-harness.js';

const center = {
  queues: [
    { id: 'sales', routing: { strategy: 'longest_idle' as const, ring_timeout_s: 15, max_wait_s: 60, overflow_queue: 'support' } },
    { id: 'rr', routing: { strategy: 'round_robin' as const, max_wait_s: null } },
    { id: 'billing', routing: { max_wait_s: 30 } },
  ],
  agents: [
    { id: 'a1', queues: ['sales'] },
    { id: 'a2', queues: ['sales'] },
    { id: 'a3', queues: ['sales'] },
    { id: 's1', queues: ['support'] },
    { id: 'r1', queues: ['rr'] },
    { id: 'r2', queues: ['rr'] },
    { id: 'r3', queues: ['rr'] },
  ],
};

describe('ACD routing', () => {
  it('queues a call with nobody to take it, with its max-wait timer', () => {
    const h = harness(center);
    expect(h.arrive(0, 'c1', 'sales')).toEqual({
      events: ['call.arrived c1 inbound', 'call.queued c1 sales'],
      timers: ['set wait:c1 @60'],
    });
  });

  it('logs an agent in with the queues from the config, then offers the waiting call', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(5, { type: 'agent.login', agent: 'a2' }).events).toEqual([
      'agent.queues_changed a2 [sales]',
      'agent.state_changed a2 idle',
      'call.offered c1 sales a2',
      'agent.state_changed a2 ringing',
    ]);
  });

  it('longest idle: the member idle longest rings, whatever the member order', () => {
    const h = harness(center);
    h.login(['a3', 'a1', 'a2']);
    expect(h.arrive(0, 'c1', 'sales').events.slice(2)).toEqual(['call.offered c1 sales a3', 'agent.state_changed a3 ringing']);
    expect(h.arrive(1, 'c2', 'sales').events.slice(2)).toEqual(['call.offered c2 sales a1', 'agent.state_changed a1 ringing']);
    // a3 declines: it is idle again but most recently, so the call goes to a2.
    expect(h.at(2, { type: 'offer.decline', call_id: 'c1', agent: 'a3' }).events).toEqual([
      'call.offer_ended c1 sales a3 declined',
      'agent.state_changed a3 idle',
      'call.offered c1 sales a2',
      'agent.state_changed a2 ringing',
    ]);
  });

  it('round robin: rotates through the members after the one offered last', () => {
    const h = harness(center);
    // Members in the order r1, r2, r3; idle longest: r3 (longest idle would pick it).
    for (const a of ['r1', 'r2', 'r3']) h.at(-200, { type: 'agent.set_queues', agent: a, queues: ['rr'] });
    h.login(['r3', 'r1', 'r2']);
    const offered = (s: { events: string[] }) => s.events.find((e) => e.startsWith('call.offered'));
    expect(offered(h.arrive(0, 'c1', 'rr'))).toBe('call.offered c1 rr r1');
    h.at(1, { type: 'offer.answer', call_id: 'c1', agent: 'r1' });
    h.at(2, { type: 'agent.hangup', call_id: 'c1' });
    h.at(3, { type: 'wrapup.done', agent: 'r1' });
    expect(offered(h.arrive(4, 'c2', 'rr'))).toBe('call.offered c2 rr r2');
    expect(offered(h.arrive(5, 'c3', 'rr'))).toBe('call.offered c3 rr r3');
    expect(offered(h.arrive(6, 'c4', 'rr'))).toBe('call.offered c4 rr r1');
  });

  it('ring timeout: the offer ends, the agent goes away (no_answer), the next agent rings', () => {
    const h = harness(center);
    h.login(['a1', 'a2']);
    expect(h.arrive(0, 'c1', 'sales').timers).toEqual(['set wait:c1 @60', 'set ring:c1 @15']);
    expect(h.at(15, { type: 'ring.timeout', call_id: 'c1', agent: 'a1' })).toEqual({
      events: [
        'call.offer_ended c1 sales a1 no_answer',
        'agent.state_changed a1 away no_answer',
        'call.offered c1 sales a2',
        'agent.state_changed a2 ringing',
      ],
      timers: ['cancel ring:c1', 'set ring:c1 @30'],
    });
    expect(h.at(17, { type: 'offer.answer', call_id: 'c1', agent: 'a2' })).toEqual({
      events: ['call.answered c1 sales a2', 'agent.state_changed a2 busy'],
      timers: ['cancel ring:c1', 'cancel wait:c1'],
    });
  });

  it("a phone that cannot be rung: the offer fails, the agent goes away (phone_unreachable), the next agent rings at once", () => {
    const h = harness(center);
    h.login(['a1', 'a2']);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(0.2, { type: 'offer.fail', call_id: 'c1', agent: 'a1' })).toEqual({
      events: ['call.offer_ended c1 sales a1 failed', 'agent.state_changed a1 away phone_unreachable', 'call.offered c1 sales a2', 'agent.state_changed a2 ringing'],
      timers: ['cancel ring:c1', 'set ring:c1 @15.2'],
    });
    expect(h.at(1, { type: 'offer.fail', call_id: 'c1', agent: 'a1' }).refused).toBe('call c1 is not ringing at a1');
  });

  it('max wait: dequeued (timeout) to the overflow queue, where an idle agent rings', () => {
    const h = harness(center);
    h.login(['s1']);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(60, { type: 'wait.timeout', call_id: 'c1', queue: 'sales' })).toEqual({
      events: ['call.dequeued c1 sales timeout support', 'call.queued c1 support', 'call.offered c1 support s1', 'agent.state_changed s1 ringing'],
      timers: ['cancel wait:c1', 'set wait:c1 @360', 'set ring:c1 @75'],
    });
  });

  it('max wait without an overflow queue: the system ends the call', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'billing');
    expect(h.at(30, { type: 'wait.timeout', call_id: 'c1', queue: 'billing' }).events).toEqual([
      'call.dequeued c1 billing timeout',
      'call.ended c1 system max_wait',
    ]);
  });

  it('max wait reached while ringing: the offer finishes first, then the call leaves on ring-out', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'sales');
    h.login(['a1', 'a2'], 50);
    expect(h.at(60, { type: 'wait.timeout', call_id: 'c1', queue: 'sales' }).refused).toMatch(/not waiting/);
    expect(h.at(65, { type: 'ring.timeout', call_id: 'c1', agent: 'a1' }).events).toEqual([
      'call.offer_ended c1 sales a1 no_answer',
      'agent.state_changed a1 away no_answer',
      'call.dequeued c1 sales timeout support',
      'call.queued c1 support',
    ]);
  });

  it('a stale timer is refused and changes nothing', () => {
    const h = harness(center);
    h.login(['a1']);
    h.arrive(0, 'c1', 'sales');
    h.at(3, { type: 'offer.answer', call_id: 'c1', agent: 'a1' });
    expect(h.at(15, { type: 'ring.timeout', call_id: 'c1', agent: 'a1' })).toEqual({ events: [], timers: [], refused: 'call c1 is not ringing at a1' });
  });

  it('a queue first seen in a command gets the default settings', () => {
    const h = harness(center);
    expect(h.arrive(0, 'c1', 'brand-new').timers).toEqual(['set wait:c1 @300']);
  });

  it('serves the higher priority first, then the call that waited longest', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'sales');
    h.arrive(1, 'c2', 'sales');
    h.at(2, { type: 'call.arrive', call_id: 'vip', queue: 'sales', caller: { number: '+1' }, priority: 5 });
    const offers = (s: { events: string[] }) => s.events.filter((e) => e.startsWith('call.offered'));
    h.login(['a1'], 3);
    expect(offers({ events: h.log.map((e) => `${e.type} ${'call_id' in e ? e.call_id : ''}`) })).toEqual(['call.offered vip']);
    expect(offers(h.at(4, { type: 'agent.login', agent: 'a2' }))).toEqual(['call.offered c1 sales a2']);
  });

  it('decide is pure: the state is untouched until the shell folds the events in', () => {
    const h = harness(center);
    h.login(['a1', 'a2']);
    h.arrive(0, 'c1', 'sales');
    const before = JSON.stringify([...h.acd.state.agentMap, ...h.acd.state.callMap]);
    const d = decide(h.acd.state, { type: 'ring.timeout', call_id: 'c1', agent: 'a1' }, T0 + 15_000, h.acd.ctx);
    expect(d.events).toHaveLength(4);
    expect(JSON.stringify([...h.acd.state.agentMap, ...h.acd.state.callMap])).toBe(before);
  });
});
