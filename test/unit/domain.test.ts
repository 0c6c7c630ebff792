/** CallEvent v1 and configuration: valid inputs pass, bad ones name the field and the rule. */
import { describe, expect, it } from 'vitest';
import { ConfigError, demoConfig, EVENT_TYPES, parseConfig, queueSettings, validateEvent } from '../../src/domain/index.js';

const env = { id: 'e1', time: '2026-11-24T09:00:00.000Z', source: 'test', v: 1 };
const examples: Record<string, Record<string, unknown>> = {
  'call.arrived': { call_id: 'c', direction: 'inbound', caller: { number: '+1', name: 'A' }, callee: { number: '100' }, attributes: { lang: 'fr' } },
  'call.queued': { call_id: 'c', queue: 'q', priority: 2 },
  'call.offered': { call_id: 'c', queue: 'q', agent: 'a' },
  'call.offer_ended': { call_id: 'c', queue: 'q', agent: 'a', reason: 'no_answer' },
  'call.answered': { call_id: 'c', agent: 'a' },
  'call.abandoned': { call_id: 'c', queue: 'q' },
  'call.dequeued': { call_id: 'c', queue: 'q', reason: 'overflow', target: 'q2' },
  'call.held': { call_id: 'c', agent: 'a' },
  'call.resumed': { call_id: 'c', agent: 'a' },
  'call.transferred': { call_id: 'c', kind: 'blind', from_agent: 'a', to: { queue: 'q2' } },
  'call.consult_started': { call_id: 'c', consult_id: 'k', agent: 'a', target: 'b' },
  'call.consult_ended': { call_id: 'c', consult_id: 'k', agent: 'a', target: 'b', outcome: 'completed' },
  'call.note_added': { call_id: 'c', note: 'hello', author: 'sup' },
  'call.wrapup_submitted': { call_id: 'c', agent: 'a', category: 'sales', result: 'resolved', note: 'ok' },
  'call.ended': { call_id: 'c', by: 'caller', cause: 'normal' },
  'agent.state_changed': { agent: 'a', state: 'away', reason: 'lunch' },
  'agent.queues_changed': { agent: 'a', queues: ['q', 'q2'] },
  'agent.device_changed': { agent: 'a', registered: true, contact: 'sip:1001@198.51.100.1:15060' },
  'monitor.started': { session_id: 's', call_id: 'c', supervisor: 'sup', mode: 'listen', endpoint: 'phone' },
  'monitor.mode_changed': { session_id: 's', call_id: 'c', supervisor: 'sup', mode: 'barge' },
  'monitor.ended': { session_id: 's', call_id: 'c', supervisor: 'sup', reason: 'supervisor' },
  'alert.acknowledged': { alert_id: 'queue_overflow:q:1781524800000', by: 'sup', comment: 'on it' },
  'alert.fired': { alert_id: 'wait_timeout:q:c:1781524800000', alert_type: 'wait_timeout', queue: 'q', call: 'c', value: 121.5, threshold: 120 },
  'alert.resolved': { alert_id: 'wait_timeout:q:c:1781524800000', last_value: 130 },
  'queue.alert_rules_set': { queue: 'q', rules: { queue_overflow: { enabled: false } }, by: 'boss' },
  'help.requested': { help_id: 'h1', call_id: 'c1', agent: 'a1', queue: 'q', via: 'phone' },
  'help.ended': { help_id: 'h1', call_id: 'c1', agent: 'a1', reason: 'joined', by: 'sup' },
};

describe('CallEvent v1', () => {
  it('has an example of every type, and each one validates', () => {
    expect(Object.keys(examples).sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, fields] of Object.entries(examples)) expect(validateEvent({ ...env, type, ...fields }).ok, type).toBe(true);
  });
  it.each([
    [{ ...env, type: 'call.queued', call_id: 'c' }, 'queue is required'],
    [{ ...env, type: 'call.queued', call_id: 'c', queue: 5 }, 'queue '],
    [{ ...env, type: 'call.arrived', call_id: 'c', direction: 'up', caller: { number: '1' } }, 'direction '],
    [{ ...env, type: 'call.arrived', call_id: 'c', direction: 'inbound', caller: {} }, 'caller.number is required'],
    [{ ...env, type: 'call.ended', call_id: 'c', by: 'caller', colour: 'red' }, 'colour is not a field of this event type'],
    [{ ...env, type: 'call.teleported', call_id: 'c' }, 'type must be one of'],
    [{ ...env, v: 2, type: 'call.ended', call_id: 'c', by: 'caller' }, 'v must be 1'],
    [{ ...env, time: 'yesterday', type: 'call.ended', call_id: 'c', by: 'caller' }, 'time must be an RFC 3339 date-time'],
    [{ ...env, id: '', type: 'call.ended', call_id: 'c', by: 'caller' }, 'id must not be empty'],
    [{ ...env, type: 'call.transferred', call_id: 'c', kind: 'blind', from_agent: 'a', to: {} }, 'to must name an agent, a queue or a number'],
    [[1, 2], '(root) must be a JSON object'],
    [{ ...env, time: '2026-02-30T10:00:00.000Z', type: 'call.ended', call_id: 'c', by: 'caller' }, 'time must be an RFC 3339 date-time'],
    [{ ...env, time: '2026-11-24T24:00:00Z', type: 'call.ended', call_id: 'c', by: 'caller' }, 'time must be an RFC 3339 date-time'],
    [{ ...env, type: 'alert.acknowledged', by: 'sup' }, 'alert_id is required'],
    [{ ...env, type: 'queue.alert_rules_set', queue: 'q', by: 'boss' }, 'rules '],
    [{ ...env, type: 'queue.alert_rules_set', queue: 'q', by: 'boss', rules: { wait_timeout: { max_wait_s: -1 } } }, 'rules.wait_timeout.max_wait_s '],
  ])('refuses %j naming the field and rule', (input, message) => {
    const v = validateEvent(input);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.message).toContain(message);
  });
  it('fills a partial rule override with the defaults, and takes null for "back to the config"', () => {
    const v = validateEvent({ ...env, type: 'queue.alert_rules_set', queue: 'q', by: 'boss', rules: { queue_overflow: { enabled: false } } });
    expect(v.ok && v.value.type === 'queue.alert_rules_set' && v.value.rules).toMatchObject({ queue_overflow: { enabled: false, for_s: 0 }, wait_timeout: { max_wait_s: 120 } });
    expect(validateEvent({ ...env, type: 'queue.alert_rules_set', queue: 'q', by: 'boss', rules: null }).ok).toBe(true);
  });
  it('normalises any RFC 3339 offset to UTC with milliseconds', () => {
    const v = validateEvent({ ...env, time: '2026-11-24T10:00:00+01:00', type: 'call.ended', call_id: 'c', by: 'caller' });
    expect(v.ok && v.value.time).toBe('2026-11-24T09:00:00.000Z');
  });
});

describe('configuration', () => {
  it('the demo has at least 3 queues and 40 agents with shared members', () => {
    const c = parseConfig(demoConfig());
    expect(c.queues.length).toBeGreaterThanOrEqual(3);
    expect(c.agents.length).toBeGreaterThanOrEqual(40);
    expect(c.agents.filter((a) => a.queues.length > 1).length).toBeGreaterThan(0);
  });
  it('a queue first seen in an event gets the defaults', () => {
    const c = parseConfig({ queue_defaults: { max_size: 7 } });
    expect(queueSettings(c, 'new-queue')).toMatchObject({ id: 'new-queue', max_size: 7, service_level: { threshold_s: 20, target_pct: 80 } });
  });
  it.each([
    [{ queues: [{ id: 'q', service_level: { formula: 'vibes' } }] }, 'queues.0.service_level.formula'],
    [{ timezone: 'Mars/Base' }, 'timezone must be an IANA time zone'],
    [{ queues: [{ id: 'q' }, { id: 'q' }] }, 'queues contains "q" twice'],
    [{ users: [{ name: 'u', role: 'viewer', token_sha256: 'abc' }] }, 'users.0.token_sha256 must be 64 hex characters'],
    [{ agents: [{ id: 'a', shoe_size: 9 }] }, 'agents.0.shoe_size is not a field'],
  ])('refuses %j naming %s', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(ConfigError);
    expect(() => parseConfig(raw)).toThrow(message);
  });
});
