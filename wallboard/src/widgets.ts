/** Pieces several pages share: headline tiles and the agent-state summary. */
import { h } from './dom.js';
import { stateLabel } from './format.js';

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
