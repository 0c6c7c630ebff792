/** Pieces several pages share: headline tiles, a queue's service-level tile, the agent-state summary. */
import type { RealtimeView } from '../../src/realtime/protocol.js';
import { h } from './dom.js';
import { pct, slState, stateLabel, target } from './format.js';

const STATES = ['idle', 'ringing', 'busy', 'wrapup', 'away', 'offline'] as const;

/** A headline figure: label, value (text or a live-ticking span), an optional line under it. */
export function tile(key: string, label: string, value: Node | string, state = 'none', sub?: string): HTMLElement {
  return h(
    'div',
    { class: `tile ${state}`, 'data-tile': key },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    sub ? h('div', { class: 'sub' }, sub) : null,
  );
}

/** Agents by state as chips: "Idle 5 · Ringing 1 · Talking 20 ...". */
export function agentStates(counts: Record<string, number>, id?: string): HTMLElement {
  return h(
    'div',
    { class: 'chips agent-states', ...(id ? { id } : {}) },
    ...STATES.map((s) => h('span', { class: `state ${s}`, 'data-state': s }, `${stateLabel(s)} `, h('b', {}, counts[s] ?? 0))),
  );
}

/** A queue's alert mark: "Alert" while one fires, "Alert acknowledged" while one holds acknowledged. */
export function alertFlag(state: 'firing' | 'acknowledged' | null): HTMLElement | null {
  if (state === null) return null;
  return h('span', { class: `alert-flag ${state}`, 'data-alert-state': state }, state === 'firing' ? 'Alert' : 'Alert acknowledged');
}

/**
 * A queue's tile: the current window's service level (the queue's alert rule window: the
 * figure a supervisor acts on and the alert judges) in large type, today's beside it, each
 * coloured against the queue's target; the tile is marked while the queue has an alert.
 * Below the rule's least sample the current figure is shown but not coloured: a few calls
 * are noise, and the alert does not judge them either.
 */
export function queueTile(r: RealtimeView['queues'][number], alert: 'firing' | 'acknowledged' | null): HTMLElement {
  const c = r.current_window;
  const enough = c.offered >= c.min_offered;
  const now = enough ? slState(c.value, c.target) : 'none';
  const today = slState(r.service_level.value, r.service_level.target);
  const sample = enough ? `${c.offered} offered` : `${c.offered} offered, too few to judge (${c.min_offered})`;
  return h(
    'div',
    { class: `tile queue-tile ${alert === 'firing' ? 'bad' : now}${alert ? ` alerting ${alert}` : ''}`, 'data-tile': `sl:${r.queue}`, 'data-queue': r.queue, ...(alert ? { 'data-alert': alert } : {}) },
    h('div', { class: 'label' }, h('span', { class: 'name' }, r.name), alertFlag(alert)),
    h(
      'div',
      { class: 'pair' },
      h('div', { class: 'now' }, h('div', { class: `value sl ${now}`, 'data-field': 'current' }, pct(c.value)), h('div', { class: 'sub' }, `last ${c.window_min} min · ${sample}`)),
      h('div', { class: 'today' }, h('div', { class: `value sl ${today}`, 'data-field': 'today' }, pct(r.service_level.value)), h('div', { class: 'sub' }, 'today')),
    ),
    h('div', { class: 'sub' }, `target ${target(r.service_level.target, r.service_level.threshold_s)} · ${r.calls_waiting} waiting`),
  );
}
