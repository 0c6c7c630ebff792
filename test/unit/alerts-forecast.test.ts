/**
 * The two rules that read beyond the processors' states, through the real alerts service
 * and the real forecast (src/forecast: the transient Erlang A model, the breach outlook):
 * `sla_forecast` warns before the alert window falls below target, is opt-in, and yields to
 * `sla_below_threshold` once the real breach comes; `help_requested` fires per call for the
 * open requests and resolves when they end.
 */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createForecasts } from '../../src/forecast/index.js';
import type { ExtraSources } from '../../processors/index.js';
import { alertHarness } from '../support/alerts-harness.js';

const noHistory = { report: async () => [] };
const rules = (forecast: boolean) => ({
  no_available_agents: { enabled: false },
  wait_timeout: { enabled: false },
  sla_below_threshold: { window_min: 15, min_offered: 3 },
  sla_forecast: { enabled: forecast, lead_min: 10 },
});
const config = (forecast: boolean) => ({
  queues: [{ id: 'q', max_size: 100, service_level: { threshold_s: 20, target_pct: 80 }, alerts: rules(forecast) }],
  agents: [{ id: 'a1', queues: ['q'] }],
});

/** Five calls answered at once, then one agent busy and six callers waiting a minute already. */
async function building(forecast: boolean) {
  let extra: ExtraSources = {};
  const h = await alertHarness(config(forecast), { extra: () => extra });
  const forecasts = createForecasts({ config: h.config, runner: h.runner, history: noHistory, clock: h.clock, registry: new Registry() });
  extra = { breach: (q, rule, at) => forecasts.outlook(q, rule, at) };
  h.agent(0, 'a1', 'idle');
  for (let i = 0; i < 5; i++) {
    const s = 10 + i * 60;
    h.queue(s, `ok${i}`, 'q');
    h.event(s + 1, 'call.offered', { call_id: `ok${i}`, queue: 'q', agent: 'a1' });
    h.agent(s + 1, 'a1', 'ringing');
    h.answer(s + 2, `ok${i}`, 'q', 'a1');
    h.agent(s + 2, 'a1', 'busy');
    h.event(s + 50, 'call.ended', { call_id: `ok${i}`, by: 'caller' });
    h.agent(s + 50, 'a1', 'idle');
  }
  h.queue(400, 'last', 'q');
  h.event(401, 'call.offered', { call_id: 'last', queue: 'q', agent: 'a1' });
  h.agent(401, 'a1', 'ringing');
  h.answer(402, 'last', 'q', 'a1');
  h.agent(402, 'a1', 'busy');
  for (let i = 0; i < 6; i++) h.queue(410 + i, `w${i}`, 'q');
  return h;
}

describe('sla_forecast', () => {
  it('warns, naming the predicted time and level, while the window is still above target', async () => {
    const h = await building(true);
    h.tick(470);
    // Live now: the warning, and not the real alert.
    const live = h.alerts.live().filter((x) => x.state !== 'resolved');
    expect(live.map((x) => x.type)).toEqual(['sla_forecast']);
    const a = live[0]!;
    expect(a.last_value).toBeLessThan(60);
    expect(a.threshold).toBe(80);
    expect(a.detail).toMatch(/^at 2026-01-05T09:\d\d:\d\d\.000Z \(in about \d+ min, over the 15-minute window\)$/);
    expect(a.message).toContain('is predicted to fall to');
    // The window itself is still on target: the real alert has not fired.
    expect(h.runner.sla('15m', 'q', h.clock.now()).queues[0]!.service_level).toBe(100);
  });

  it('is opt-in: nothing with the rule off', async () => {
    const h = await building(false);
    h.tick(470);
    expect(h.told()).toEqual([]);
  });

  it('yields to sla_below_threshold once the breach is real', async () => {
    const h = await building(true);
    h.tick(470);
    const warned = h.told().length;
    // The callers give up after long waits: the window falls below target.
    for (let i = 0; i < 6; i++) h.abandon(520 + i, `w${i}`, 'q');
    h.tick(530);
    expect(h.told().slice(warned)).toEqual(['fired sla_below_threshold q', 'resolved sla_forecast q']);
    expect(h.alerts.live().filter((x) => x.state !== 'resolved').map((x) => x.type)).toEqual(['sla_below_threshold']);
  });
});

describe('help_requested', () => {
  it('one alert per open request, naming the agent; resolved when it ends', async () => {
    let open: Array<{ call: string; agent: string; since: number }> = [];
    const h = await alertHarness({ queues: [{ id: 'q', alerts: { no_available_agents: { enabled: false } } }] }, { extra: () => ({ helps: () => open }) });
    open = [{ call: 'c1', agent: 'a1', since: 0 }, { call: 'c2', agent: 'a2', since: 0 }];
    h.tick(5);
    expect(h.told()).toEqual(['fired help_requested q:c1', 'fired help_requested q:c2']);
    expect(h.heard[0]!.alert.message).toBe('a1 asks for help on call c1 in q');
    open = [open[1]!];
    h.tick(6);
    expect(h.told()).toEqual(['fired help_requested q:c1', 'fired help_requested q:c2', 'resolved help_requested q:c1']);
  });
});
