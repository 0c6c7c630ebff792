/**
 * One queue: today's figures against its target, its waiting calls with live-ticking
 * waits, position and caller, ringing offers, and its member agents by name and state.
 */
import type { QueueDetailView, RealtimeView } from '../../../src/realtime/protocol.js';
import { engineNow } from '../clock.js';
import { forecastPanel } from '../forecast-panel.js';
import { fill, h } from '../dom.js';
import { pct, seconds, slState, stateLabel, target, time } from '../format.js';
import type { Page } from '../page.js';
import { SortTable } from '../table.js';
import { ticking } from '../tick.js';
import { agentStates, tile } from '../widgets.js';

type Waiting = QueueDetailView['waiting'][number];
type Ringing = QueueDetailView['ringing'][number];
type Member = QueueDetailView['members'][number] & { at: number };
type Row = RealtimeView['queues'][number];

export const queuePage: Page = (root, { feed, api, names, param, at: past }) => {
  const queue = param ?? '';
  const forecast = forecastPanel(api, queue, { at: () => past });
  // Time in state counts to the instant shown: now, or the rewound instant.
  const viewedAt = () => (past === null ? engineNow() : Date.parse(past));
  const title = h('h1', {}, names.queue(queue));
  const summary = h('section', { class: 'tiles' });
  const states = h('section', { class: 'panel agents-summary' });
  const error = h('p', { class: 'error' });
  let at = Date.now();
  const waiting = new SortTable<Waiting>({
    id: 'waiting',
    empty: 'No call waiting.',
    sortBy: 'position',
    rowAttrs: (w) => ({ 'data-call': w.call_id }),
    columns: [
      { key: 'position', label: 'Position', class: 'num', sort: (w) => w.position, cell: (w) => w.position },
      // The name when the caller gave one; the number has its own column, never shown twice.
      { key: 'caller', label: 'Caller', sort: (w) => w.caller.name ?? '', cell: (w) => w.caller.name ?? h('span', { class: 'muted' }, 'no name') },
      { key: 'number', label: 'Number', sort: (w) => w.caller.number, cell: (w) => w.caller.number },
      { key: 'wait', label: 'Waiting (m:ss)', class: 'num', sort: (w) => w.wait_s, cell: (w) => ticking(w.wait_s, at) },
      { key: 'priority', label: 'Priority', class: 'num', sort: (w) => w.priority, cell: (w) => w.priority },
      { key: 'queued', label: 'Queued at', sort: (w) => w.queued_at, cell: (w) => time(w.queued_at) },
    ],
  });
  const ringing = new SortTable<Ringing>({
    id: 'ringing',
    empty: 'No agent is being offered a call.',
    columns: [
      { key: 'agent', label: 'Agent', sort: (r) => names.agent(r.agent), cell: (r) => names.agent(r.agent) },
      { key: 'caller', label: 'Call', cell: (r) => detail?.waiting.find((w) => w.call_id === r.call_id)?.caller.number ?? r.call_id },
      { key: 'for', label: 'Ringing for (m:ss)', class: 'num', sort: (r) => r.ringing_s, cell: (r) => ticking(r.ringing_s, at) },
    ],
  });
  const members = new SortTable<Member>({
    id: 'members',
    empty: 'This queue has no member agents.',
    sortBy: 'name',
    rowAttrs: (m) => ({ 'data-agent': m.agent }),
    columns: [
      { key: 'name', label: 'Agent', sort: (m) => m.name ?? m.agent, cell: (m) => m.name ?? m.agent },
      { key: 'state', label: 'State', sort: (m) => m.state, cell: (m) => h('span', {}, h('span', { class: `state ${m.state}` }, stateLabel(m.state)), m.reason ? h('small', {}, ` ${m.reason}`) : null) },
      { key: 'since', label: 'In state (m:ss)', class: 'num', sort: (m) => (m.since === null ? null : -Date.parse(m.since)), cell: (m) => ticking(m.since === null ? null : Math.max(0, (viewedAt() - Date.parse(m.since)) / 1000), m.at) },
    ],
  });
  root.append(
    h('p', {}, h('a', { href: '#/dashboard' }, '← Dashboard')),
    title,
    error,
    summary,
    states,
    forecast.el,
    h('section', { class: 'panel' }, h('h2', {}, 'Waiting calls'), waiting.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Ringing offers'), ringing.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Member agents'), members.el),
  );

  let detail: QueueDetailView | null = null;
  let row: Row | null = null;

  const render = () => {
    if (detail) {
      title.textContent = detail.name;
      names.learnQueues([{ queue: detail.queue, name: detail.name }]);
      names.learnAgents(detail.members);
      fill(states, h('h2', {}, 'Member agents now'), agentStates(detail.agents, 'queue-agents'));
      waiting.render(detail.waiting);
      ringing.render(detail.ringing);
      members.render(detail.members.map((m) => ({ ...m, at })));
    }
    const r = row;
    fill(
      summary,
      tile('calls_waiting', 'Calls waiting', String(detail?.calls_waiting ?? r?.calls_waiting ?? 0), (detail?.calls_waiting ?? 0) > 0 ? 'warn' : 'none'),
      tile('longest_wait', 'Longest wait', ticking(detail?.longest_wait_s ?? null, at)),
      r ? tile('service_level', 'Service level', pct(r.service_level.value), slState(r.service_level.value, r.service_level.target), `today · target ${target(r.service_level.target, r.service_level.threshold_s)}`) : null,
      r ? tile('offered', 'Offered', String(r.offered), 'none', `today · ${r.answered} answered`) : null,
      r ? tile('abandoned', 'Abandoned', String(r.abandoned), 'none', `${pct(r.abandonment_rate)} of offered`) : null,
      r ? tile('average_wait', 'Average wait', seconds(r.average_wait_s), 'none', 'today') : null,
    );
  };
  const onDetail = (q: QueueDetailView) => {
    detail = q;
    at = Date.now();
    render();
  };
  const leaveQueue = feed.join({ view: 'queue', queue }, onDetail, (m) => (error.textContent = m));
  const offQueue = feed.on('queue:updated', (q) => q.queue === queue && onDetail(q));
  const onRows = (rows: Row[]) => {
    const mine = rows.find((x) => x.queue === queue);
    if (mine) row = mine;
    render();
  };
  const leaveDash = feed.join({ view: 'dashboard' }, (snap) => {
    forecast.staffing(snap.staffing.find((s) => s.queue === queue));
    onRows(snap.realtime.queues);
  });
  const offDash = feed.on('dashboard:updated', (d) => {
    const s = d.staffing.find((x) => x.queue === queue);
    if (s) forecast.staffing(s);
    onRows(d.queues);
  });
  return () => {
    forecast.stop();
    leaveQueue();
    offQueue();
    leaveDash();
    offDash();
  };
};
