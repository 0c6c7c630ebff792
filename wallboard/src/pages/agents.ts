/**
 * The agent board: state and time in state, the current call and its duration, calls
 * handled today and today's handle figures; filters by queue, team and state (every state
 * is offered, with how many agents are in it now), columns sortable.
 */
import type { AgentView } from '../../../src/realtime/protocol.js';
import { fill, h } from '../dom.js';
import { pct, seconds, stateLabel } from '../format.js';
import type { Page } from '../page.js';
import { SortTable } from '../table.js';
import { ticking } from '../tick.js';

const STATES = ['idle', 'ringing', 'busy', 'wrapup', 'away', 'offline'] as const;
type Row = AgentView & { at: number };

export const agentsPage: Page = (root, { feed, names }) => {
  const agents = new Map<string, Row>();
  const filter = { queue: '', team: '', state: '' };
  const selects = { queue: h('select', { id: 'filter-queue' }), team: h('select', { id: 'filter-team' }), state: h('select', { id: 'filter-state' }) };
  for (const [k, el] of Object.entries(selects) as Array<[keyof typeof filter, HTMLSelectElement]>) {
    el.addEventListener('change', () => {
      filter[k] = el.value;
      render();
    });
  }
  const counts = h('p', { class: 'muted', id: 'agent-count' });
  const definitions = h(
    'p',
    { class: 'muted not-tv', id: 'agents-definitions' },
    'Answered today: every call the agent answered since midnight, the one in progress included; the Reports count a call once it has ended. Average handle and occupancy: today, by the agent figures of the metrics.',
  );
  const describe = () =>
    [filter.state ? stateLabel(filter.state).toLowerCase() : '', filter.team ? `in team ${filter.team}` : '', filter.queue ? `in ${names.queue(filter.queue)}` : '']
      .filter(Boolean)
      .join(' ');
  const table = new SortTable<Row>({
    id: 'agents',
    sortBy: 'agent',
    empty: () => (agents.size === 0 ? 'No agent yet: agents appear once they log in or from the configuration.' : `No agent is ${describe()} now.`),
    rowAttrs: (a) => ({ 'data-agent': a.agent }),
    columns: [
      { key: 'agent', label: 'Agent', sort: (a) => a.name ?? a.agent, cell: (a) => a.name ?? a.agent },
      { key: 'team', label: 'Team', sort: (a) => a.team, cell: (a) => a.team },
      { key: 'queues', label: 'Queues', cell: (a) => a.queues.map((q) => names.queue(q)).join(', ') || '—' },
      // An agent whose call is on hold is not talking: the badge says so.
      { key: 'state', label: 'State', sort: (a) => STATES.indexOf(a.state), cell: (a) => (a.state === 'busy' && a.current_call?.on_hold ? h('span', { class: 'state held' }, stateLabel('held')) : h('span', {}, h('span', { class: `state ${a.state}` }, stateLabel(a.state)), a.reason ? h('small', {}, ` ${a.reason}`) : null)) },
      // The SIP registration: a simulated agent has no phone to show.
      { key: 'phone', label: 'Phone', field: 'phone', sort: (a) => (a.device === null ? null : a.device.registered ? 1 : 0), cell: (a) => (a.device === null ? '—' : h('span', { class: `phone ${a.device.registered ? 'registered' : 'unregistered'}`, title: a.device.contact ?? '' }, a.device.registered ? 'registered' : 'not registered')) },
      { key: 'in', label: 'In state (m:ss)', class: 'num', sort: (a) => a.time_in_state_s, cell: (a) => ticking(a.time_in_state_s, a.at) },
      { key: 'call', label: 'Current call (m:ss)', class: 'num', sort: (a) => a.current_call?.duration_s ?? null, cell: (a) => (a.current_call ? currentCall(a, names.queue(a.current_call.queue)) : '—') },
      { key: 'handled', label: 'Answered today (calls)', class: 'num', field: 'handled', sort: (a) => a.calls_handled_today, cell: (a) => a.calls_handled_today },
      { key: 'aht', label: 'Average handle (m:ss)', class: 'num', sort: (a) => a.stats.aht_s, cell: (a) => seconds(a.stats.aht_s) },
      { key: 'occupancy', label: 'Occupancy today', class: 'num', sort: (a) => a.stats.occupancy, cell: (a) => pct(a.stats.occupancy) },
    ],
  });
  root.append(
    h('section', { class: 'filters' }, h('label', {}, 'Queue ', selects.queue), h('label', {}, 'Team ', selects.team), h('label', {}, 'State ', selects.state), counts),
    h('section', { class: 'panel' }, table.el),
    definitions,
  );

  const options = (el: HTMLSelectElement, values: Array<[string, string]>, current: string) =>
    fill(el, h('option', { value: '' }, 'all'), ...values.map(([v, label]) => h('option', { value: v, selected: v === current }, label)));

  const render = () => {
    const all = [...agents.values()];
    names.learnAgents(all);
    options(selects.queue, [...new Set(all.flatMap((a) => a.queues))].map((q): [string, string] => [q, names.queue(q)]).sort((a, b) => a[1].localeCompare(b[1])), filter.queue);
    options(selects.team, [...new Set(all.map((a) => a.team))].sort().map((t): [string, string] => [t, t]), filter.team);
    const inState = (s: string) => all.filter((a) => a.state === s).length;
    options(selects.state, STATES.map((s): [string, string] => [s, `${stateLabel(s)} (${inState(s)})`]), filter.state);
    const shown = all.filter((a) => (!filter.queue || a.queues.includes(filter.queue)) && (!filter.team || a.team === filter.team) && (!filter.state || a.state === filter.state));
    counts.textContent = `${shown.length} of ${all.length} agents`;
    table.render(shown);
  };
  const take = (list: AgentView[]) => {
    const at = Date.now();
    for (const a of list) agents.set(a.agent, { ...a, at });
    render();
  };
  const leave = feed.join({ view: 'agents' }, (snap) => {
    agents.clear();
    take(snap.agents);
  });
  const off = feed.on('agents:updated', (d) => take(d.agents));
  return () => {
    leave();
    off();
  };
};

function currentCall(a: Row, queue: string): HTMLElement {
  const c = a.current_call!;
  return h('span', {}, ticking(c.duration_s, a.at), c.on_hold ? h('span', { class: 'state held' }, ' on hold') : null, h('small', {}, ` ${c.queue ? queue : c.direction}`));
}
