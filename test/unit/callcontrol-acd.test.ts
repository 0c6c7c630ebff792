/** The ACD commands call control added (consult start/complete/cancel, takeover) as tables, each event checked against the schema. */
import { describe, expect, it } from 'vitest';
import { talking as talkingIn } from './acd-harness.js';

const center = {
  queues: [{ id: 'sales' }, { id: 'support' }],
  agents: [
    { id: 'a1', queues: ['sales'] },
    { id: 'a2', queues: [] },
    { id: 's1', queues: ['support'] },
  ],
};

/** a1 talking with c1 from sales at t=2. */
const talking = () => talkingIn(center);
const a2 = { agent: 'a2' };

describe('consultations and takeover in the ACD', () => {
  it('consult an agent, then complete: held, consultee busy, then a consult transfer the consultee answers at once', () => {
    const h = talking();
    expect(h.at(10, { type: 'consult.start', call_id: 'c1', consult_id: 'k1', target: a2 }).events).toEqual([
      'call.held c1 a1',
      'call.consult_started c1 k1 a1 a2',
      'agent.state_changed a2 busy consult',
    ]);
    expect(h.at(20, { type: 'consult.complete', call_id: 'c1', consult_id: 'k1', target: a2 }).events).toEqual([
      'call.consult_ended c1 k1 a1 a2 completed',
      'call.transferred c1 consult a1',
      'agent.state_changed a1 wrapup',
      'call.answered c1 a2',
      'agent.state_changed a2 busy',
    ]);
    expect(h.acd.state.call('c1')).toMatchObject({ phase: 'talking', agent: 'a2' });
  });

  it('consult a queue, then complete: the call joins that queue (a new attempt) and rings its member', () => {
    const h = talking();
    h.at(10, { type: 'consult.start', call_id: 'c1', consult_id: 'k1', target: { queue: 'support' } });
    expect(h.at(20, { type: 'consult.complete', call_id: 'c1', consult_id: 'k1', target: { queue: 'support' } }).events).toEqual([
      'call.consult_ended c1 k1 a1 support completed',
      'call.transferred c1 consult a1',
      'agent.state_changed a1 wrapup',
      'call.queued c1 support',
      'call.offered c1 support s1',
      'agent.state_changed s1 ringing',
    ]);
  });

  it('cancel: consultee idle again, caller resumed', () => {
    const h = talking();
    h.at(10, { type: 'consult.start', call_id: 'c1', consult_id: 'k1', target: a2 });
    expect(h.at(20, { type: 'consult.cancel', call_id: 'c1', consult_id: 'k1', target: a2 }).events).toEqual([
      'call.consult_ended c1 k1 a1 a2 cancelled',
      'agent.state_changed a2 idle',
      'call.resumed c1 a1',
    ]);
  });

  it('refusals: a busy or self target, a call not connected, a consultee that left', () => {
    const h = talking();
    expect(h.at(5, { type: 'consult.start', call_id: 'c1', consult_id: 'k1', target: { agent: 'a1' } }).refused).toBe('agent a1 is not available');
    h.arrive(6, 'c2', 'support');
    expect(h.at(7, { type: 'consult.start', call_id: 'c2', consult_id: 'k2', target: a2 }).refused).toBe('call c2 is not connected to an agent');
    expect(h.at(8, { type: 'consult.complete', call_id: 'c1', consult_id: 'k1', target: a2 }).refused).toBe('agent a2 is no longer in the consultation');
  });

  it('takeover: monitor event, the agent leg transferred to the supervisor, agent to wrap-up; the call ends later by the supervisor', () => {
    const h = talking();
    expect(h.at(10, { type: 'call.takeover', call_id: 'c1', session_id: 'm1', supervisor: 'boss', already_monitoring: false }).events).toEqual([
      'monitor.started m1 c1 boss takeover',
      'call.transferred c1 blind a1',
      'agent.state_changed a1 wrapup',
    ]);
    expect(h.at(30, { type: 'call.end', call_id: 'c1' }).events).toEqual(['call.ended c1 supervisor']);
  });
});
