/**
 * A real engine with something behind every kind of id, for the tests that walk the whole
 * OpenAPI document (conformance, roles): three agents, a talking call (c-talk), a call
 * ended today with its agent in wrap-up (c-done), two waiting calls in a queue of at most
 * one (a queue_overflow alert), a supervisor listening to c-talk, and two display links.
 */
import { expect } from 'vitest';
import { eventMaker, settled, startTestEngine, type TestEngine } from './engine.js';
import type { Doc } from './openapi-doc.js';
import { TEST_NOW } from './time.js';

export interface ApiFixture {
  t: TestEngine;
  doc: Doc;
  /** Ids that exist, by the name of the parameter that takes them. */
  ids: { queue: string[]; id: string[]; agent: string[]; call_id: string[]; session_id: string[]; alert_id: string[]; link_id: string[] };
}

const AGENTS = ['agent-001', 'agent-002', 'agent-003'];

export async function startApiFixture(): Promise<ApiFixture> {
  const t = await startTestEngine({
    config: {
      queues: [{ id: 'sales-queue', max_size: 1 }, { id: 'support-queue' }],
      agents: [
        { id: 'agent-001', queues: ['sales-queue'] },
        { id: 'agent-002', queues: ['support-queue'] },
        { id: 'agent-003', queues: ['sales-queue'] },
      ],
    },
  });
  // Four minutes ago: late enough to be history, not so late that the alert rules leave the calls out while they settle (src/alerts/settling.ts, LATE_MS).
  const ev = eventMaker(TEST_NOW - 4 * 60_000);
  const answered = (s: number, call_id: string, queue: string, agent: string) => [
    ev(s, 'call.arrived', { call_id, direction: 'inbound', caller: { number: `+331000${s}`, name: 'Alice' } }),
    ev(s, 'call.queued', { call_id, queue }),
    ev(s + 1, 'call.offered', { call_id, queue, agent }),
    ev(s + 1, 'agent.state_changed', { agent, state: 'ringing' }),
    ev(s + 2, 'call.answered', { call_id, queue, agent }),
    ev(s + 2, 'agent.state_changed', { agent, state: 'busy' }),
  ];
  const waiting = (s: number, call_id: string) => [
    ev(s, 'call.arrived', { call_id, direction: 'inbound', caller: { number: `+331000${s}` } }),
    ev(s, 'call.queued', { call_id, queue: 'sales-queue' }),
  ];
  const events = [
    ...AGENTS.map((agent) => ev(0, 'agent.state_changed', { agent, state: 'idle' })),
    ...answered(1, 'c-talk', 'sales-queue', 'agent-001'),
    ...answered(5, 'c-done', 'support-queue', 'agent-002'),
    ev(60, 'call.ended', { call_id: 'c-done', by: 'caller' }),
    ev(60, 'agent.state_changed', { agent: 'agent-002', state: 'wrapup' }),
    ...waiting(100, 'c-wait1'),
    ...waiting(101, 'c-wait2'),
  ];
  const json = { 'content-type': 'application/json' };
  const posted = await t.req('/cc/events', { method: 'POST', body: JSON.stringify(events), headers: json, as: 'manager' });
  expect(await posted.json()).toMatchObject({ rejected: 0 });
  await settled(t);
  const session = await t.req('/cc/calls/c-talk/monitor', { method: 'POST', body: '{"action":"listen"}', headers: json, as: 'supervisor' });
  expect(session.status).toBe(201);
  const alerts = (await (await t.req('/cc/alerts', { as: 'viewer' })).json()).alerts as Array<{ alert_id: string }>;
  expect(alerts.length).toBeGreaterThan(0);
  const links = await Promise.all(['Lobby TV', 'Sales floor'].map(async (name) => t.req('/cc/display-links', { method: 'POST', body: JSON.stringify({ name }), headers: json, as: 'admin' })));
  for (const l of links) expect(l.status).toBe(201);
  const doc = (await (await t.req('/cc/openapi.json', { as: null })).json()) as Doc;
  return {
    t,
    doc,
    ids: {
      queue: ['sales-queue', 'support-queue'],
      id: AGENTS,
      agent: AGENTS,
      call_id: ['c-talk', 'c-wait1', 'c-done'],
      session_id: [(await session.json()).session_id as string],
      alert_id: alerts.map((a) => a.alert_id),
      link_id: await Promise.all(links.map(async (l) => (await l.json()).link.id as string)),
    },
  };
}
