/** Live state and the runner's gate as tables: given these events, at this time, the view is this. */
import { describe, expect, it } from 'vitest';
import { AgentView, CallView, QueueDetailView, RealtimeView, createRunner } from '../../processors/index.js';
import { parseConfig, validateEvent } from '../../src/domain/index.js';
import { isoMs } from '../../processors/iso-ms.js';
import { feed, t, type Row } from './naive-table.js';

const arrive = (clock: string, call: string, name?: string): Row => [clock, 'call.arrived', { call_id: call, direction: 'inbound', caller: { number: `+33${call}`, ...(name ? { name } : {}) } }];

const config = {
  queues: [{ id: 'sales', name: 'Sales' }],
  agents: [
    { id: 'a1', name: 'Ann', queues: ['sales'], team: 'north' },
    { id: 'a2', queues: ['sales'] },
  ],
};

const busyMorning: Row[] = [
  ['08:00:00', 'agent.state_changed', { agent: 'a1', state: 'idle' }],
  ['08:00:00', 'agent.state_changed', { agent: 'a2', state: 'idle' }],
  arrive('09:00:00', 'c1', 'Lee'),
  ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'sales' }],
  arrive('09:00:10', 'c2'),
  ['09:00:11', 'call.queued', { call_id: 'c2', queue: 'sales', priority: 5 }],
  arrive('09:00:20', 'c3'),
  ['09:00:21', 'call.queued', { call_id: 'c3', queue: 'sales' }],
  ['09:00:30', 'call.offered', { call_id: 'c2', queue: 'sales', agent: 'a1' }],
  ['09:00:30', 'agent.state_changed', { agent: 'a1', state: 'ringing' }],
  ['09:00:35', 'call.answered', { call_id: 'c2', queue: 'sales', agent: 'a1' }],
  ['09:00:35', 'agent.state_changed', { agent: 'a1', state: 'busy' }],
  ['09:00:40', 'call.offered', { call_id: 'c1', queue: 'sales', agent: 'a2' }],
  ['09:00:40', 'agent.state_changed', { agent: 'a2', state: 'ringing' }],
  ['09:01:00', 'monitor.started', { session_id: 's1', call_id: 'c2', supervisor: 'sup', mode: 'listen' }],
  ['09:01:05', 'call.note_added', { call_id: 'c2', note: 'VIP', author: 'sup' }],
  ['09:01:10', 'call.held', { call_id: 'c2', agent: 'a1' }],
];

describe('live state', () => {
  it('lists waiting calls in offer order with waits, callers and ringing offers', () => {
    const { runner } = feed(busyMorning, config);
    const q = QueueDetailView.parse(runner.queueDetail('sales', t('09:00:45')));
    expect(q.calls_waiting).toBe(2);
    expect(q.longest_wait_s).toBe(44);
    expect(q.waiting).toEqual([
      { call_id: 'c1', position: 1, wait_s: 44, queued_at: '2026-01-05T09:00:01.000Z', caller: { number: '+33c1', name: 'Lee' }, priority: 0 },
      { call_id: 'c3', position: 2, wait_s: 24, queued_at: '2026-01-05T09:00:21.000Z', caller: { number: '+33c3' }, priority: 0 },
    ]);
    expect(q.ringing).toEqual([{ call_id: 'c1', agent: 'a2', ringing_s: 5, since: '2026-01-05T09:00:40.000Z' }]);
    expect(q.agents).toEqual({ offline: 0, idle: 0, ringing: 1, busy: 1, wrapup: 0, away: 0 });
    expect(runner.queueDetail('nowhere', t('09:00:45'))).toBeNull();
  });

  it('shows an active call with its agent, hold, monitors, notes and timeline', () => {
    const { runner } = feed(busyMorning, config);
    const c = CallView.parse(runner.call('c2', t('09:01:30')));
    expect(c).toMatchObject({ call_id: 'c2', queue: 'sales', agent: 'a1', state: 'held', wait_s: 24, talk_s: 35, hold_s: 20, answered_at: '2026-01-05T09:00:35.000Z', ended_at: null });
    expect(c.monitors).toEqual([{ session_id: 's1', supervisor: 'sup', mode: 'listen' }]);
    expect(c.notes).toEqual([{ note: 'VIP', author: 'sup', time: '2026-01-05T09:01:05.000Z' }]);
    expect(c.timeline!.map((e) => e.type)).toEqual(['call.arrived', 'call.queued', 'call.offered', 'call.answered', 'monitor.started', 'call.note_added', 'call.held']);
    expect(c.timeline![3]).toMatchObject({ seq: 11, type: 'call.answered', agent: 'a1', queue: 'sales' });
    expect(runner.activeCalls(t('09:01:30')).map((x) => [x.call_id, x.state])).toEqual([
      ['c1', 'ringing'],
      ['c2', 'held'],
      ['c3', 'queued'],
    ]);
  });

  it('shows agents with state, time in state and current call', () => {
    const { runner } = feed(busyMorning, config);
    const a1 = AgentView.parse(runner.agent('a1', t('09:01:30')));
    expect(a1).toMatchObject({ agent: 'a1', name: 'Ann', team: 'north', queues: ['sales'], state: 'busy', state_since: '2026-01-05T09:00:35.000Z', time_in_state_s: 55, calls_handled_today: 1 });
    expect(a1.current_call).toEqual({ call_id: 'c2', queue: 'sales', direction: 'inbound', duration_s: 55, on_hold: true });
    expect(runner.agents({ state: 'ringing' }, t('09:01:30')).map((a) => a.agent)).toEqual(['a2']);
    expect(runner.agents({ team: 'north' }, t('09:01:30')).map((a) => a.agent)).toEqual(['a1']);
    expect(runner.agent('nobody', t('09:01:30'))).toBeNull();
  });

  it('sums the wallboard headline', () => {
    const { runner } = feed(busyMorning, config);
    const r = RealtimeView.parse(runner.realtime(t('09:01:30')));
    expect(r.totals).toMatchObject({ calls_waiting: 2, active_calls: 1, idle_agents: 0, average_wait_s: 24 });
    expect(r.totals.service_level).toEqual({ value: 0, target: null, threshold_s: null, formula: 'answered_within_over_offered' });
    expect(r.queues[0]).toMatchObject({ queue: 'sales', name: 'Sales', calls_waiting: 2, longest_wait_s: 89, active_calls: 1 });
    expect(r.queues[0]!.service_level).toEqual({ value: 0, target: 80, threshold_s: 20, formula: 'answered_within_over_offered' });
  });

  it('keeps an ended call in wrap-up while its agent is, then only for GET /cc/calls/{id}', () => {
    const { runner } = feed(
      [
        ...busyMorning,
        ['09:02:00', 'call.resumed', { call_id: 'c2', agent: 'a1' }],
        ['09:03:00', 'call.ended', { call_id: 'c2', by: 'agent' }],
        ['09:03:00', 'agent.state_changed', { agent: 'a1', state: 'wrapup' }],
        ['09:03:01', 'monitor.ended', { session_id: 's1', call_id: 'c2', supervisor: 'sup', reason: 'call_ended' }],
      ],
      config,
    );
    expect(runner.call('c2', t('09:03:30'))).toMatchObject({ state: 'wrapup', ended_at: '2026-01-05T09:03:00.000Z', talk_s: 95, hold_s: 50, monitors: [] });
    expect(runner.activeCalls(t('09:03:30')).map((c) => c.call_id)).toContain('c2');
    const { runner: after } = feed(
      [...busyMorning, ['09:03:00', 'call.ended', { call_id: 'c2', by: 'agent' }], ['09:04:00', 'call.wrapup_submitted', { call_id: 'c2', agent: 'a1', category: 'sales', result: 'resolved' }]],
      config,
    );
    expect(after.call('c2', t('09:05:00'))!.state).toBe('ended');
    expect(after.activeCalls(t('09:05:00')).map((c) => c.call_id)).not.toContain('c2');
  });

  it('creates a queue or agent first seen in an event with defaults', () => {
    const { runner } = feed([arrive('09:00:00', 'c1'), ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'pop-up' }], ['09:00:02', 'call.offered', { call_id: 'c1', queue: 'pop-up', agent: 'temp' }]]);
    expect(runner.knownQueues()).toEqual(['pop-up']);
    expect(runner.knownAgents()).toEqual(['temp']);
    expect(runner.sla('today', 'pop-up', t('09:01:00')).queues[0]).toMatchObject({ threshold_s: 20, target_pct: 80 });
    expect(runner.agent('temp', t('09:01:00'))).toMatchObject({ state: 'offline', team: 'default', name: null });
  });
});

describe('the runner gate', () => {
  const base: Row[] = [arrive('09:00:00', 'c1'), ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'sales' }], ['09:00:05', 'call.answered', { call_id: 'c1', agent: 'a1' }]];
  const cases: Array<[string, Row[], string]> = [
    ['an offer for an unknown call', [['09:00:06', 'call.offered', { call_id: 'zz', queue: 'sales', agent: 'a1' }]], 'unknown call'],
    ['a second answer', [['09:00:06', 'call.answered', { call_id: 'c1', agent: 'a2' }]], 'call already answered'],
    ['a resume without hold', [['09:00:06', 'call.resumed', { call_id: 'c1', agent: 'a1' }]], 'call is not on hold with this agent'],
    ['a hold by another agent', [['09:00:06', 'call.held', { call_id: 'c1', agent: 'a2' }]], 'call is talking with a1'],
    ['an answer for an ended call', [['09:00:06', 'call.ended', { call_id: 'c1', by: 'agent' }], ['09:00:07', 'call.answered', { call_id: 'c1', agent: 'a1' }]], 'call already answered'],
    ['an abandon after the answer', [['09:00:06', 'call.abandoned', { call_id: 'c1', queue: 'sales' }]], 'call is talking'],
    ['the same call arriving twice', [arrive('09:00:06', 'c1')], 'call already arrived'],
    ['an event earlier than the call’s last', [['09:00:04', 'call.held', { call_id: 'c1', agent: 'a1' }]], "earlier than the call's previous event"],
    ['an unknown monitor session', [['09:00:06', 'monitor.ended', { session_id: 'x', call_id: 'c1', supervisor: 's', reason: 'supervisor' }]], 'no such monitor session on this call'],
    ['a wrap-up by an agent who did not handle the call', [['09:00:06', 'call.wrapup_submitted', { call_id: 'c1', agent: 'a2', category: 'x', result: 'y' }]], 'agent did not handle this call'],
  ];
  for (const [what, extra, reason] of cases) {
    it(`rejects ${what} and changes nothing`, () => {
      const { runner, results } = feed([...base, ...extra]);
      const last = results.at(-1)!;
      if (what === 'an answer for an ended call') expect(last.reason).toBe('call is ended');
      else expect(last.reason).toBe(reason);
      expect(last).toMatchObject({ outcome: 'rejected', closedAttempts: [], endedTalks: [], changed: { queues: [], agents: [], calls: [] } });
      const { runner: clean } = feed([...base, ...extra.slice(0, -1)]);
      const now = t('09:10:00');
      expect(runner.sla('today', undefined, now)).toEqual(clean.sla('today', undefined, now));
      expect(runner.call('c1', now)!.timeline!.length).toBe(clean.call('c1', now)!.timeline!.length);
      expect(runner.agents({}, now)).toEqual(clean.agents({}, now));
      expect(Object.values(runner.counts.rejected).reduce((s, n) => s + n, 0)).toBe(1);
    });
  }

  it("skips a duplicate long after its original, by the call's and the agent's own memory of their events", () => {
    // A recent-id table of 4: the duplicates come after it forgot them (a publish without Nats-Msg-Id, much later).
    const others: Row[] = Array.from({ length: 20 }, (_, i) => ['09:00:10', 'agent.state_changed', { agent: `x${i}`, state: 'idle' }, `o${i}`]);
    const { runner, results } = feed(
      [
        ...base,
        ['09:00:06', 'call.note_added', { call_id: 'c1', note: 'vip', author: 'sup' }, 'n1'],
        ['09:00:07', 'agent.state_changed', { agent: 'a1', state: 'busy' }, 's1'],
        ...others,
        ['09:00:06', 'call.note_added', { call_id: 'c1', note: 'vip', author: 'sup' }, 'n1'],
        ['09:00:07', 'agent.state_changed', { agent: 'a1', state: 'busy' }, 's1'],
      ],
      {},
      { dedupeMemory: 4 },
    );
    expect(results.slice(-2).map((r) => r.outcome)).toEqual(['duplicate', 'duplicate']);
    expect(runner.call('c1', t('09:01:00'))!.notes).toHaveLength(1);
  });

  it('skips a call event re-sent after any number of other events, whatever the recent-id table holds by then', () => {
    // The runner does not scan a call's events while its table still holds every id since the
    // call's arrival: around the table's turnover (sizes 1 to 5, every gap), the call's own
    // events must still catch each re-sent one.
    const call: Row[] = [
      arrive('09:00:00', 'c1'),
      ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'sales' }, 'q1'],
      ['09:00:02', 'call.answered', { call_id: 'c1', agent: 'a1' }, 'w1'],
      ['09:00:03', 'call.note_added', { call_id: 'c1', note: 'one', author: 'sup' }, 'n1'],
    ];
    for (let memory = 1; memory <= 5; memory++) {
      for (let gap = 0; gap <= 12; gap++) {
        const others: Row[] = Array.from({ length: gap }, (_, i) => ['09:00:04', 'agent.state_changed', { agent: `x${i}`, state: 'idle' }, `o${i}`]);
        const resent = call.slice(1).map(([, type, fields, id]): Row => ['09:00:05', type, fields, id]);
        const { runner, results } = feed([...call, ...others, ...resent], {}, { dedupeMemory: memory });
        expect(results.slice(-3).map((r) => r.outcome), `memory ${memory}, gap ${gap}`).toEqual(['duplicate', 'duplicate', 'duplicate']);
        // The same from a runner restored mid-way (its calls' marks unknown: scanned).
        const restored = createRunner(parseConfig({}), { dedupeMemory: memory, from: runner.snapshot() });
        const again = resent.map(([, type, fields, id], i) => {
          const v = validateEvent({ id, type, time: new Date(t('09:00:06')).toISOString(), source: 'test', v: 1, ...fields });
          if (!v.ok) throw new Error(v.message);
          return restored.apply({ seq: 100 + i, event: v.value });
        });
        expect(again.map((r) => r.outcome), `restored, memory ${memory}, gap ${gap}`).toEqual(['duplicate', 'duplicate', 'duplicate']);
      }
    }
  });

  it('skips a duplicate id, even with other content', () => {
    const { runner, results } = feed([...base, ['09:00:06', 'call.ended', { call_id: 'c1', by: 'agent' }, 'e3']]);
    expect(results.at(-1)!.outcome).toBe('duplicate');
    expect(runner.counts.duplicate).toEqual({ 'call.ended': 1 });
    expect(runner.call('c1', t('09:00:10'))!.state).toBe('talking');
    expect(runner.lastSeq).toBe(4);
  });

  it('admits operational events as they are (no figure changes), and dedupes them by id like every event', () => {
    const { runner, results } = feed([
      ...base,
      ['09:00:07', 'alert.acknowledged', { alert_id: 'queue_overflow:sales:1', by: 'sup', comment: 'on it' }, 'ack-1'],
      ['09:00:08', 'queue.alert_rules_set', { queue: 'sales', rules: null, by: 'boss' }],
      ['09:00:09', 'alert.acknowledged', { alert_id: 'queue_overflow:sales:1', by: 'sup' }, 'ack-1'],
    ]);
    const clean = feed(base).runner;
    expect(results.slice(-3).map((r) => r.outcome)).toEqual(['applied', 'applied', 'duplicate']);
    expect(results.at(-2)!.changed).toEqual({ queues: [], agents: [], calls: [] });
    expect(runner.counts.applied).toMatchObject({ 'alert.acknowledged': 1, 'queue.alert_rules_set': 1 });
    expect(runner.realtime(t('09:00:10'))).toEqual(clean.realtime(t('09:00:10')));
    expect(runner.sla('today', undefined, t('09:00:10'))).toEqual(clean.sla('today', undefined, t('09:00:10')));
  });

  it('names what an applied event changed and the attempt and talk it closed', () => {
    const { results } = feed([...base, ['09:01:05', 'call.ended', { call_id: 'c1', by: 'caller' }]]);
    expect(results[2]).toMatchObject({ outcome: 'applied', changed: { queues: ['sales'], agents: ['a1'], calls: ['c1'] } });
    expect(results[2]!.closedAttempts).toEqual([
      { queue: 'sales', direction: 'inbound', outcome: 'answered', wait_s: 4, short: false, call_id: 'c1', attempt: 1, t_in: t('09:00:01'), t_out: t('09:00:05'), flow_reason: '', agent: 'a1' },
    ]);
    expect(results[3]!.endedTalks).toEqual([{ queue: 'sales', talk_s: 60 }]);
  });

  it('a blind transfer straight to an agent rings outside the queue: no rejection, no new attempt', () => {
    const rows: Row[] = [
      ['08:00:00', 'agent.state_changed', { agent: 'a1', state: 'idle' }],
      ['08:00:00', 'agent.state_changed', { agent: 'a2', state: 'idle' }],
      arrive('09:00:00', 'c1'),
      ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'sales' }],
      ['09:00:02', 'call.offered', { call_id: 'c1', queue: 'sales', agent: 'a1' }],
      ['09:00:05', 'call.answered', { call_id: 'c1', queue: 'sales', agent: 'a1' }],
      ['09:01:00', 'call.transferred', { call_id: 'c1', kind: 'blind', from_agent: 'a1', to: { agent: 'a2' } }],
      ['09:01:00', 'call.offered', { call_id: 'c1', queue: 'sales', agent: 'a2' }],
    ];
    const ringing = feed(rows, config);
    expect(ringing.results.map((r) => r.outcome)).not.toContain('rejected');
    expect(ringing.runner.call('c1', t('09:01:03'))).toMatchObject({ state: 'ringing', agent: 'a1' });
    expect(ringing.runner.queueDetail('sales', t('09:01:03'))!.calls_waiting).toBe(0);
    const answered = feed([...rows, ['09:01:04', 'call.answered', { call_id: 'c1', agent: 'a2' }]], config);
    expect(answered.results.map((r) => r.outcome)).not.toContain('rejected');
    expect(answered.runner.call('c1', t('09:01:10'))).toMatchObject({ state: 'talking', agent: 'a2', wait_s: 4 });
    expect(answered.runner.sla('today', 'sales', t('09:01:10')).queues[0]).toMatchObject({ offered: 1, answered: 1 });
    const rangOut = feed([...rows, ['09:01:15', 'call.offer_ended', { call_id: 'c1', queue: 'sales', agent: 'a2', reason: 'no_answer' }]], config);
    expect(rangOut.results.map((r) => r.outcome)).not.toContain('rejected');
    expect(rangOut.runner.call('c1', t('09:01:20'))!.state).toBe('arrived');
    // A call never answered cannot be rung outside a queue.
    const stray = feed([arrive('09:00:00', 'c9'), ['09:00:01', 'call.offered', { call_id: 'c9', queue: 'sales', agent: 'a1' }]], config);
    expect(stray.results[1]!.outcome).toBe('rejected');
  });

  it('a call transferred out to a number (a supervisor taking over) shows talking until it ends', () => {
    const rows: Row[] = [
      ['08:00:00', 'agent.state_changed', { agent: 'a1', state: 'idle' }],
      arrive('09:00:00', 'c1'),
      ['09:00:01', 'call.queued', { call_id: 'c1', queue: 'sales' }],
      ['09:00:02', 'call.offered', { call_id: 'c1', queue: 'sales', agent: 'a1' }],
      ['09:00:05', 'call.answered', { call_id: 'c1', queue: 'sales', agent: 'a1' }],
      ['09:00:30', 'call.transferred', { call_id: 'c1', kind: 'blind', from_agent: 'a1', to: { number: 'sup-1' } }],
      ['09:00:30', 'agent.state_changed', { agent: 'a1', state: 'wrapup' }],
    ];
    const taken = feed(rows, config);
    expect(taken.results.map((r) => r.outcome)).not.toContain('rejected');
    expect(taken.runner.call('c1', t('09:01:00'))).toMatchObject({ state: 'talking', talk_s: 25 });
    const ended = feed([...rows, ['09:02:00', 'call.ended', { call_id: 'c1', by: 'supervisor' }]], config);
    expect(ended.results.map((r) => r.outcome)).not.toContain('rejected');
    expect(ended.runner.call('c1', t('09:02:10'))!.state).not.toBe('talking');
  });

  it('reads canonical event times like Date.parse', () => {
    for (const s of ['2026-01-05T09:00:00.000Z', '1999-12-31T23:59:59.999Z', '2026-03-08T07:00:00.500Z', '2026-01-05T09:00:00+01:00']) expect(isoMs(s)).toBe(Date.parse(s));
  });
});
