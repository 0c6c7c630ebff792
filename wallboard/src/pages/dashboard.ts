/**
 * The dashboard: today's headline figures, agents by state, the alerts holding now, one
 * tile per queue with its current window's service level (what its alert judges) beside
 * today's, each against the queue's own target and marked when the queue has an alert,
 * the queues table with the staffing hint, the last hour as a live chart and today's
 * 15-minute intervals from history. In TV mode the tiles, the alerts and the charts fill
 * one screen in large type.
 */
import type { DashboardSample, RealtimeView, StaffingHint } from '../../../src/realtime/protocol.js';
import type uPlot from 'uplot';
import { alertText } from '../alert-text.js';
import { timeChart } from '../chart.js';
import { fill, h } from '../dom.js';
import { pct, seconds, slState, stateLabel, target, time } from '../format.js';
import type { Page } from '../page.js';
import { helpPanel } from '../help-panel.js';
import { SortTable } from '../table.js';
import { ticking } from '../tick.js';
import { agentStates, alertFlag, queueTile, tile } from '../widgets.js';

type Row = RealtimeView['queues'][number] & { at: number };
const HISTORY_MINUTES = 480;
/** Samples come every 15 s; a longer silence than this is a stretch the engine did not run. */
const GAP_MS = 120_000;

export const dashboardPage: Page = (root, { feed, api, names, alerts, can }) => {
  // Agents' calls for help, for the roles that can answer them (GET /cc/help-requests needs a supervisor).
  const help = can('monitor') ? helpPanel(api, alerts, names) : null;
  const nowTiles = h('section', { class: 'tiles', id: 'headline', 'aria-label': 'now' });
  const todayTiles = h('section', { class: 'tiles', id: 'today', 'aria-label': 'today' });
  // What "today" counts, said under its figures (docs/metrics.md): Reports and Agents count differently, and say so too.
  const todayNote = h('p', { class: 'muted not-tv', id: 'today-note' });
  const sayToday = (short: number | null) =>
    (todayNote.textContent =
      'Today: since midnight. Offered, answered and abandoned count calls as they leave a queue (a call still waiting counts once it is answered or abandoned)' +
      `${short === null ? '; short abandons' : `; ${short} short abandon${short === 1 ? '' : 's'}`} (callers who hung up within the queue's short-abandon time) are left out of them and of every rate. ` +
      'Reports count a call once it has ended.');
  sayToday(null);
  const agentsBox = h('section', { class: 'panel agents-summary' });
  const slTiles = h('section', { class: 'tiles queue-tiles', id: 'queue-sl', 'aria-label': 'service level per queue' });
  const alertsBox = h('section', { class: 'panel alerts-now', id: 'alerts-now', 'aria-label': 'alerts now' });
  const chartBox = h('div', { class: 'chart', id: 'live-chart' });
  const historyBox = h('div', { class: 'chart', id: 'history-chart' });
  const historyNote = h('p', { class: 'muted' });
  const shared = h('p', { class: 'muted note', id: 'shared-note' });
  const tv = document.body.classList.contains('tv');

  let totals: RealtimeView['totals'] | null = null;
  const rows = new Map<string, Row>();
  let staffing: StaffingHint[] = [];
  let samples: DashboardSample[] = [];
  const staffOf = (q: string) => staffing.find((x) => x.queue === q);

  const table = new SortTable<Row>({
    id: 'queue-table',
    empty: 'No queue yet: queues appear here with their first call or from the configuration.',
    rowAttrs: (r) => ({ 'data-queue': r.queue }),
    columns: [
      { key: 'queue', label: 'Queue', sort: (r) => r.name, cell: (r) => h('span', { class: 'queue-name' }, h('a', { href: `#/queue/${encodeURIComponent(r.queue)}` }, r.name), alertFlag(alerts.queueState(r.queue))) },
      { key: 'waiting', label: 'Waiting (calls)', class: 'num', field: 'calls_waiting', sort: (r) => r.calls_waiting, cell: (r) => r.calls_waiting },
      { key: 'longest', label: 'Longest wait (m:ss)', class: 'num', sort: (r) => r.longest_wait_s, cell: (r) => ticking(r.longest_wait_s, r.at) },
      { key: 'active', label: 'On calls', class: 'num', field: 'active_calls', sort: (r) => r.active_calls, cell: (r) => r.active_calls },
      { key: 'idle', label: 'Idle agents', class: 'num', field: 'idle_agents', sort: (r) => r.idle_agents, cell: (r) => r.idle_agents },
      { key: 'agents', label: 'Agents (talking · wrap-up · away · offline)', cell: (r) => `${r.agents.busy + r.agents.ringing} · ${r.agents.wrapup} · ${r.agents.away} · ${r.agents.offline}` },
      { key: 'offered', label: 'Offered today', class: 'num', sort: (r) => r.offered, cell: (r) => r.offered },
      { key: 'abandoned', label: 'Abandoned today', class: 'num', sort: (r) => r.abandonment_rate, cell: (r) => `${r.abandoned} (${pct(r.abandonment_rate)})` },
      { key: 'wait', label: 'Average wait (m:ss)', class: 'num', sort: (r) => r.average_wait_s, cell: (r) => seconds(r.average_wait_s) },
      {
        key: 'current',
        label: 'Service level, current window',
        class: 'num',
        field: 'current_window',
        sort: (r) => r.current_window.value,
        cell: (r) => {
          const c = r.current_window;
          return h('span', {}, h('span', { class: `sl ${slState(c.value, c.target)}` }, pct(c.value)), h('small', {}, ` ${c.window_min} min`));
        },
      },
      { key: 'sl', label: 'Service level today', class: 'num', field: 'service_level', sort: (r) => r.service_level.value, cell: (r) => h('span', { class: `sl ${slState(r.service_level.value, r.service_level.target)}` }, pct(r.service_level.value)) },
      { key: 'target', label: 'Target', class: 'nowrap', cell: (r) => target(r.service_level.target, r.service_level.threshold_s) },
      {
        key: 'needed',
        label: 'Agents needed now',
        class: 'num',
        sort: (r) => staffOf(r.queue)?.agents_needed ?? null,
        cell: (r) => {
          const s = staffOf(r.queue);
          if (!s || s.agents_needed === null) return '—';
          const short = s.agents_needed > s.agents_staffed;
          return h('span', { class: short ? 'bad' : '', title: `Erlang C on ${s.arrivals_per_hour} calls in the last hour, handle ${seconds(s.handle_s)}` }, `${s.agents_needed} (have ${s.agents_staffed})`);
        },
      },
    ],
  });

  root.append(
    nowTiles,
    todayTiles,
    todayNote,
    agentsBox,
    alertsBox,
    ...(help ? [help.el] : []),
    slTiles,
    h('section', { class: 'panel not-tv' }, h('h2', {}, 'Queues'), table.el, shared),
    h(
      'div',
      { class: 'charts' },
      h('section', { class: 'panel live' }, h('h2', {}, 'Last hour (live)'), chartBox),
      h('section', { class: 'panel live' }, h('h2', {}, tv ? 'Offered and answered per 15 minutes' : 'Offered and answered per 15 minutes, last 8 hours'), historyNote, historyBox),
    ),
  );
  const chart = timeChart(
    chartBox,
    [
      { label: 'Calls waiting', color: '#f59e0b' },
      { label: 'On calls', color: '#38bdf8' },
      { label: 'Idle agents', color: '#a3e635' },
      { label: 'Service level', color: '#f472b6', scale: 'pct' },
    ],
    { height: tv ? 160 : 260, lastS: 3600, fill: tv },
  );

  const render = () => {
    if (!totals) return;
    const t = totals;
    const list = [...rows.values()];
    names.learnQueues(list);
    // Each queue has its own target: the all-queues tile is as good as its worst queue.
    const states = list.map((r) => slState(r.service_level.value, r.service_level.target));
    const overall = states.includes('bad') ? 'bad' : states.includes('warn') ? 'warn' : states.includes('ok') ? 'ok' : 'none';
    const loggedIn = t.agents.idle + t.agents.ringing + t.agents.busy + t.agents.wrapup + t.agents.away;
    fill(
      nowTiles,
      tile('calls_waiting', 'Calls waiting', String(t.calls_waiting), t.calls_waiting > 0 ? 'warn' : 'none', 'now'),
      tile('longest_wait', 'Longest wait', ticking(t.longest_wait_s, Date.now()), (t.longest_wait_s ?? 0) > 60 ? 'bad' : (t.longest_wait_s ?? 0) > 20 ? 'warn' : 'none', t.longest_wait_s === null ? 'no call waiting' : 'now'),
      tile('active_calls', 'On calls', String(t.active_calls), 'none', 'talking or on hold'),
      tile('idle_agents', 'Idle agents', String(t.idle_agents), t.idle_agents === 0 ? 'bad' : 'none', `of ${loggedIn} logged in`),
    );
    fill(
      todayTiles,
      tile('service_level', 'Service level', pct(t.service_level.value), overall, 'today, all queues'),
      tile('offered', 'Offered', String(t.offered), 'none', 'today'),
      tile('answered', 'Answered', String(t.answered), 'none', 'today'),
      tile('abandoned', 'Abandoned', String(t.abandoned), (t.abandonment_rate ?? 0) > 10 ? 'bad' : (t.abandonment_rate ?? 0) > 5 ? 'warn' : 'none', `${pct(t.abandonment_rate)} of offered`),
      tile('average_wait', 'Average wait', seconds(t.average_wait_s), 'none', 'today'),
    );
    fill(agentsBox, h('h2', {}, 'Agents now'), agentStates(t.agents, 'agents-all'));
    fill(slTiles, ...list.map((r) => queueTile(r, alerts.queueState(r.queue))));
    renderAlerts();
    table.render(list);
    const memberships = list.reduce((n, r) => n + Object.values(r.agents).reduce((a, b) => a + b, 0), 0);
    const agents = Object.values(t.agents).reduce((a, b) => a + b, 0);
    shared.textContent = memberships > agents ? `An agent in several queues counts in each of them: ${memberships} queue memberships, ${agents} agents.` : '';
  };
  // The alerts holding now, firing first: the same words as the alerts page.
  const renderAlerts = () => {
    const live = alerts.live().sort((a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1));
    const shown = live.slice(0, tv ? 3 : 6);
    fill(
      alertsBox,
      h('h2', {}, h('a', { href: '#/alerts' }, 'Alerts now')),
      live.length === 0
        ? h('p', { class: 'muted quiet', id: 'no-alert' }, alerts.available ? 'No alert: every queue is within its limits.' : `Alerts are not available: ${alerts.error}`)
        : h(
            'ul',
            { class: 'alert-list' },
            ...shown.map((a) =>
              h('li', { 'data-alert': a.alert_id, 'data-queue': a.queue, class: a.state }, h('span', { class: `state ${a.state}` }, stateLabel(a.state)), ` ${alertText(a, names)} `, h('small', {}, `since ${time(a.started_at)}`)),
            ),
            live.length > shown.length ? h('li', { class: 'more' }, h('a', { href: '#/alerts' }, `and ${live.length - shown.length} more`)) : null,
          ),
    );
  };
  const offAlerts = alerts.subscribe(() => {
    if (totals) render();
    else renderAlerts();
  });
  const offNames = names.subscribe(renderAlerts);
  renderAlerts();

  // A stretch with no sample (the engine was stopped: the chart keeps the hour across a restart) is a break in the lines, not a slope.
  const plot = () => {
    const cols: Array<Array<number | null>> = [[], [], [], [], []];
    samples.forEach((s, i) => {
      const before = samples[i - 1];
      if (before && s.t - before.t > GAP_MS) [before.t + 1, null, null, null, null].forEach((v, k) => cols[k]!.push(k === 0 ? v! / 1000 : null));
      [s.t / 1000, s.calls_waiting, s.active_calls, s.idle_agents, s.service_level].forEach((v, k) => cols[k]!.push(v));
    });
    chart.setData(cols as uPlot.AlignedData);
  };

  const leave = feed.join({ view: 'dashboard' }, (snap) => {
    totals = snap.realtime.totals;
    rows.clear();
    for (const q of snap.realtime.queues) rows.set(q.queue, { ...q, at: Date.now() });
    staffing = snap.staffing;
    samples = snap.history;
    render();
    plot();
  });
  const off = feed.on('dashboard:updated', (d) => {
    totals = d.totals;
    for (const q of d.queues) rows.set(q.queue, { ...q, at: Date.now() });
    staffing = d.staffing;
    if (d.sample) {
      samples.push(d.sample);
      samples = samples.filter((s) => s.t >= d.sample!.t - 3_600_000);
      plot();
    }
    render();
  });

  // History from the store; absent on an engine without one, and the live chart stands alone.
  let history: ReturnType<typeof timeChart> | null = null;
  const loadHistory = () => {
    api.json<{ all: { short_abandons: number } }>('/cc/sla?window=today').then((s) => sayToday(s.all.short_abandons), () => sayToday(null));
    api
      .json<{ times: string[]; series: Array<{ queue: string; offered: number[]; answered: number[] }> }>(`/cc/dashboard/timeseries?minutes=${tv ? 240 : HISTORY_MINUTES}`)
      .then((ts) => {
        historyNote.textContent = ts.times.length === 0 ? 'No call in the last 8 hours yet.' : '';
        history ??= timeChart(historyBox, [{ label: 'Offered', color: '#38bdf8', bars: true }, { label: 'Answered', color: '#a3e635', bars: true }], { height: tv ? 160 : 220, stepS: 900, fill: tv });
        const sum = (k: 'offered' | 'answered') => ts.times.map((_, i) => ts.series.reduce((a, s) => a + (s[k][i] ?? 0), 0));
        const offered = sum('offered');
        const answered = sum('answered');
        // Intervals before the first call (before the engine existed) are not drawn as zeros.
        const first = Math.max(0, offered.findIndex((n, i) => n > 0 || (answered[i] ?? 0) > 0));
        history.setData([ts.times.slice(first).map((t) => Date.parse(t) / 1000), offered.slice(first), answered.slice(first)]);
      })
      .catch((e: Error) => (historyNote.textContent = `History is not available: ${e.message}`));
  };
  loadHistory();
  const every = setInterval(loadHistory, 60_000);
  // After an outage the history request failed too: ask again once the feed is back.
  const reload = () => loadHistory();
  feed.socket.on('connect', reload);
  return () => {
    leave();
    off();
    offAlerts();
    offNames();
    clearInterval(every);
    feed.socket.off('connect', reload);
    help?.stop();
    chart.destroy();
    history?.destroy();
  };
};
