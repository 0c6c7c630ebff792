/** The agent board: state and time in state, the current call's duration, calls handled today; filters by queue, team and state. */
import type { AgentView } from '../../../src/realtime/protocol.js';
import { fill, h } from '../dom.js';
import type { Page } from '../page.js';
import { ticking } from '../tick.js';

export const agentsPage: Page = (root, { feed }) => {
  const agents = new Map<string, AgentView>();
  const received = new Map<string, number>();
  const at = (a: AgentView) => received.get(a.agent) ?? Date.now();
  const filter = { queue: '', team: '', state: '' };
  const selects = { queue: h('select', { id: 'filter-queue' }), team: h('select', { id: 'filter-team' }), state: h('select', { id: 'filter-state' }) };
  for (const [k, el] of Object.entries(selects) as Array<[keyof typeof filter, HTMLSelectElement]>) {
    el.addEventListener('change', () => {
      filter[k] = el.value;
      render();
    });
  }
  const counts = h('p', { class: 'muted', id: 'agent-count' });
  const table = h('table', { id: 'agents' });
  root.append(
    h('section', { class: 'filters' }, h('label', {}, 'Queue ', selects.queue), h('label', {}, 'Team ', selects.team), h('label', {}, 'State ', selects.state), counts),
    h('section', { class: 'panel' }, table),
  );

  const options = (el: HTMLSelectElement, values: string[], current: string) =>
    fill(el, h('option', { value: '' }, 'all'), ...[...new Set(values)].sort().map((v) => h('option', { value: v, selected: v === current }, v)));

  const render = () => {
    const all = [...agents.values()];
    options(selects.queue, all.flatMap((a) => a.queues), filter.queue);
    options(selects.team, all.map((a) => a.team), filter.team);
    options(selects.state, all.map((a) => a.state), filter.state);
    const shown = all
      .filter((a) => (!filter.queue || a.queues.includes(filter.queue)) && (!filter.team || a.team === filter.team) && (!filter.state || a.state === filter.state))
      .sort((a, b) => a.agent.localeCompare(b.agent));
    counts.textContent = `${shown.length} of ${all.length} agents`;
    fill(
      table,
      h('thead', {}, h('tr', {}, ...['Agent', 'Team', 'State', 'Phone', 'Time in state', 'Current call', 'Handled today', 'Occupancy'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...shown.map((a) =>
          h(
            'tr',
            { 'data-agent': a.agent },
            h('td', {}, a.name ?? a.agent, h('small', {}, ` ${a.agent}`)),
            h('td', {}, a.team),
            h('td', {}, h('span', { class: `state ${a.state}` }, a.state), a.reason ? h('small', {}, ` ${a.reason}`) : null),
            // The SIP registration: a simulated agent has no phone to show.
            h('td', { 'data-field': 'phone', title: a.device?.contact ?? '' }, a.device === null ? '—' : h('span', { class: `phone ${a.device.registered ? 'registered' : 'unregistered'}` }, a.device.registered ? 'registered' : 'not registered')),
            h('td', {}, ticking(a.time_in_state_s, at(a))),
            h('td', {}, a.current_call ? cell(a, at(a)) : '—'),
            h('td', { 'data-field': 'handled' }, a.calls_handled_today),
            h('td', {}, a.stats.occupancy === null ? '—' : `${a.stats.occupancy.toFixed(0)}%`),
          ),
        ),
      ),
    );
  };
  const leave = feed.join({ view: 'agents' }, (snap) => {
    agents.clear();
    for (const a of snap.agents) {
      agents.set(a.agent, a);
      received.set(a.agent, Date.now());
    }
    render();
  });
  const off = feed.on('agents:updated', (d) => {
    for (const a of d.agents) {
      agents.set(a.agent, a);
      received.set(a.agent, Date.now());
    }
    render();
  });
  return () => {
    leave();
    off();
  };
};

function cell(a: AgentView, at: number): HTMLElement {
  const c = a.current_call!;
  return h('span', {}, ticking(c.duration_s, at), c.on_hold ? h('span', { class: 'state held' }, ' on hold') : null, h('small', {}, ` ${c.queue ?? c.direction}`));
}
