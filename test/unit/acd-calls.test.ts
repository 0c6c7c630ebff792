/** ACD call and agent life as tables: hang-ups, wrap-up, hold, breaks, transfers, supervisor end, replay. */
import { describe, expect, it } from 'vitest';
import { Acd, counterIds } from '../../src/acd/index.js';
import { harness, talking as talkingIn } from './acd-harness.js';

const center = {
  queues: [{ id: 'sales' }, { id: 'support' }],
  agents: [
    { id: 'a1', queues: ['sales'] },
    { id: 'a2', queues: ['sales'] },
    { id: 's1', queues: ['support'] },
  ],
};

/** a1 talking with c1 from sales at t=2. */
const talking = () => talkingIn(center);

describe('ACD call life', () => {
  it('caller hangs up while queued: abandoned, then ended by the caller', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(40, { type: 'caller.hangup', call_id: 'c1' })).toEqual({
      events: ['call.abandoned c1 sales', 'call.ended c1 caller'],
      timers: ['cancel ring:c1', 'cancel wait:c1'],
    });
  });

  it('caller hangs up while ringing: the ringing agent is free again and takes the next call', () => {
    const h = harness(center);
    h.login(['a1']);
    h.arrive(0, 'c1', 'sales');
    h.arrive(1, 'c2', 'sales');
    expect(h.at(4, { type: 'caller.hangup', call_id: 'c1' }).events).toEqual([
      'call.abandoned c1 sales',
      'call.ended c1 caller',
      'agent.state_changed a1 idle',
      'call.offered c2 sales a1',
      'agent.state_changed a1 ringing',
    ]);
  });

  it('agent hangs up: wrap-up, then the wrap-up record and idle, then the waiting call rings', () => {
    const h = talking();
    h.arrive(3, 'c2', 'sales');
    h.at(4, { type: 'offer.answer', call_id: 'c2', agent: 'a2' });
    h.arrive(5, 'c3', 'sales');
    expect(h.at(100, { type: 'agent.hangup', call_id: 'c1' }).events).toEqual(['call.ended c1 agent', 'agent.state_changed a1 wrapup']);
    expect(h.at(120, { type: 'wrapup.done', agent: 'a1', category: 'sales', result: 'resolved' }).events).toEqual([
      'call.wrapup_submitted c1 a1 sales resolved',
      'agent.state_changed a1 idle',
      'call.offered c3 sales a1',
      'agent.state_changed a1 ringing',
    ]);
  });

  it('wrap-up ending in a break: the agent goes away, not idle, and takes no call', () => {
    const h = talking();
    h.at(100, { type: 'caller.hangup', call_id: 'c1' });
    h.arrive(101, 'c2', 'sales');
    h.at(102, { type: 'offer.answer', call_id: 'c2', agent: 'a2' });
    h.arrive(103, 'c3', 'sales');
    expect(h.at(110, { type: 'wrapup.done', agent: 'a1', away: 'lunch' }).events).toEqual(['agent.state_changed a1 away lunch']);
    expect(h.at(200, { type: 'agent.return', agent: 'a1' }).events).toEqual([
      'agent.state_changed a1 idle',
      'call.offered c3 sales a1',
      'agent.state_changed a1 ringing',
    ]);
  });

  it('hold and resume', () => {
    const h = talking();
    expect(h.at(10, { type: 'call.resume', call_id: 'c1' }).refused).toBe('call c1 is not on hold');
    expect(h.at(10, { type: 'call.hold', call_id: 'c1' }).events).toEqual(['call.held c1 a1']);
    expect(h.at(20, { type: 'call.resume', call_id: 'c1' }).events).toEqual(['call.resumed c1 a1']);
  });

  it('breaks and logout wait until the agent is off the call', () => {
    const h = talking();
    expect(h.at(5, { type: 'agent.break', agent: 'a1', reason: 'break' }).refused).toMatch(/a1 is busy/);
    expect(h.at(5, { type: 'agent.logout', agent: 'a1' }).refused).toBe('agent a1 is on a call');
    expect(h.at(5, { type: 'agent.break', agent: 'a2', reason: 'training' }).events).toEqual(['agent.state_changed a2 away training']);
    expect(h.at(6, { type: 'agent.logout', agent: 'a2' }).events).toEqual(['agent.state_changed a2 offline']);
    expect(h.at(7, { type: 'agent.login', agent: 'a2' }).events).toEqual(['agent.state_changed a2 idle']);
  });

  it('queue membership changes route at once', () => {
    const h = harness(center);
    h.login(['s1']);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(1, { type: 'agent.set_queues', agent: 's1', queues: ['support', 'sales'] }).events).toEqual([
      'agent.queues_changed s1 [support,sales]',
      'call.offered c1 sales s1',
      'agent.state_changed s1 ringing',
    ]);
  });

  it('blind transfer to a queue: the agent wraps up, the call starts a new attempt there', () => {
    const h = talking();
    expect(h.at(30, { type: 'call.transfer', call_id: 'c1', to: { queue: 'support' } }).events).toEqual([
      'call.transferred c1 blind a1',
      'agent.state_changed a1 wrapup',
      'call.queued c1 support',
      'call.offered c1 support s1',
      'agent.state_changed s1 ringing',
    ]);
  });

  it('blind transfer to an agent rings that agent; unanswered, the system ends the call', () => {
    const h = talking();
    expect(h.at(30, { type: 'call.transfer', call_id: 'c1', to: { agent: 'a1' } }).refused).toBe('agent a1 is not available');
    expect(h.at(30, { type: 'call.transfer', call_id: 'c1', to: { agent: 's1' } }).events).toEqual([
      'call.transferred c1 blind a1',
      'agent.state_changed a1 wrapup',
      'call.offered c1 sales s1',
      'agent.state_changed s1 ringing',
    ]);
    expect(h.at(45, { type: 'ring.timeout', call_id: 'c1', agent: 's1' }).events).toEqual([
      'call.offer_ended c1 sales s1 no_answer',
      'agent.state_changed s1 away no_answer',
      'call.ended c1 system transfer_not_answered',
    ]);
  });

  it('a waiting call moved to another queue by a supervisor: dequeued (transfer), queued there', () => {
    const h = harness(center);
    h.arrive(0, 'c1', 'sales');
    expect(h.at(9, { type: 'call.transfer', call_id: 'c1', to: { queue: 'support' } }).events).toEqual([
      'call.dequeued c1 sales transfer support',
      'call.queued c1 support',
    ]);
  });

  it('a supervisor ends a connected call: ended by supervisor, the agent wraps up', () => {
    const h = talking();
    expect(h.at(50, { type: 'call.end', call_id: 'c1', cause: 'abusive caller' }).events).toEqual([
      'call.ended c1 supervisor abusive caller',
      'agent.state_changed a1 wrapup',
    ]);
    expect(h.at(51, { type: 'call.end', call_id: 'c1' }).refused).toBe('call c1 is not in progress');
  });

  it('an outbound call is placed by an idle agent and connected at once', () => {
    const h = harness(center);
    h.login(['a1']);
    expect(h.at(0, { type: 'call.dial', call_id: 'o1', agent: 'a1', caller: { number: '+1' }, callee: { number: '+2' } }).events).toEqual([
      'call.arrived o1 outbound',
      'call.answered o1 a1',
      'agent.state_changed a1 busy',
    ]);
    expect(h.at(1, { type: 'call.dial', call_id: 'o2', agent: 'a1', caller: { number: '+1' }, callee: { number: '+2' } }).refused).toBe('agent a1 is not idle');
  });

  it('replaying the log rebuilds the same state', () => {
    const h = talking();
    h.arrive(3, 'c2', 'sales');
    h.arrive(4, 'c3', 'sales');
    h.at(20, { type: 'ring.timeout', call_id: 'c2', agent: 'a2' });
    h.at(30, { type: 'call.hold', call_id: 'c1' });
    const rebuilt = new Acd({ config: h.config, nextId: counterIds('r'), source: 'acd' });
    rebuilt.replay(h.log);
    const snapshot = (a: Acd) => JSON.stringify([[...a.state.agentMap], [...a.state.callMap], [...a.state.idleIds], [...a.state.waitingIds]]);
    expect(snapshot(rebuilt)).toBe(snapshot(h.acd));
  });
});
