/**
 * The dashboard: headline tiles, one row per queue with its service level against its own
 * target and the staffing hint, and the last hour as a live chart.
 */
import type { DashboardSample, RealtimeView, StaffingHint } from '../../../src/realtime/protocol.js';
import { timeChart } from '../chart.js';
import { fill, h } from '../dom.js';
import { pct, seconds, slState } from '../format.js';
import type { Page } from '../page.js';
import { ticking } from '../tick.js';

type Row = RealtimeView['queues'][number];

export const dashboardPage: Page = (root, { feed, api }) => {
  const tiles = h('section', { class: 'tiles' });
  const table = h('table', { class: 'queues', id: 'queue-table' });
  const chartBox = h('div', { class: 'chart', id: 'live-chart' });
  const historyBox = h('div', { class: 'chart', id: 'history-chart' });
  const historyNote = h('p', { class: 'muted' });
  root.append(
    tiles,
    h('section', { class: 'panel' }, h('h2', {}, 'Queues'), table),
    h('section', { class: 'panel' }, h('h2', {}, 'Last hour (live)'), chartBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Offered and answered per 15 minutes'), historyNote, historyBox),
  );
  const chart = timeChart(chartBox, [
    { label: 'Calls waiting', color: '#f59e0b' },
    { label: 'Active calls', color: '#38bdf8' },
    { label: 'Idle agents', color: '#a3e635' },
    { label: 'Service level', color: '#f472b6', scale: 'pct' },
  ], 260, 3600);

  let totals: RealtimeView['totals'] | null = null;
  const rows = new Map<string, Row & { at: number }>();
  let staffing: StaffingHint[] = [];
  let samples: DashboardSample[] = [];

  const render = () => {
    if (!totals) return;
    const t = totals;
    // Each queue has its own target: the all-queues tile is as good as its worst queue.
    const states = [...rows.values()].map((r) => slState(r.service_level.value, r.service_level.target));
    const overall = states.includes('bad') ? 'bad' : states.includes('warn') ? 'warn' : states.includes('ok') ? 'ok' : 'none';
    fill(
      tiles,
      tile('calls_waiting', 'Calls waiting', String(t.calls_waiting), t.calls_waiting > 0 ? 'warn' : 'none'),
      tile('active_calls', 'Active calls', String(t.active_calls)),
      tile('idle_agents', 'Idle agents', String(t.idle_agents), t.idle_agents === 0 ? 'bad' : 'none'),
      tile('average_wait', 'Average wait', seconds(t.average_wait_s)),
      tile('service_level', 'Service level', pct(t.service_level.value), overall),
    );
    fill(
      table,
      h('thead', {}, h('tr', {}, ...['Queue', 'Waiting', 'Longest wait', 'Active', 'Idle agents', 'Avg wait', 'Service level', 'Target', 'Agents needed'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...[...rows.values()].map((r) => {
          const s = staffing.find((x) => x.queue === r.queue);
          const short = s && s.agents_needed !== null && s.agents_needed > s.agents_staffed;
          return h(
            'tr',
            { 'data-queue': r.queue },
            h('td', {}, h('a', { href: `#/queue/${encodeURIComponent(r.queue)}` }, r.name)),
            h('td', { 'data-field': 'calls_waiting' }, r.calls_waiting),
            h('td', {}, ticking(r.longest_wait_s, r.at)),
            h('td', { 'data-field': 'active_calls' }, r.active_calls),
            h('td', { 'data-field': 'idle_agents' }, r.idle_agents),
            h('td', {}, seconds(r.average_wait_s)),
            h('td', { class: `sl ${slState(r.service_level.value, r.service_level.target)}`, 'data-field': 'service_level' }, pct(r.service_level.value)),
            h('td', {}, r.service_level.target === null ? '—' : `${r.service_level.target}% in ${r.service_level.threshold_s}s`),
            h(
              'td',
              { class: short ? 'bad' : '', title: s ? `Erlang C on ${s.arrivals_per_hour} calls in the last hour, handle ${seconds(s.handle_s)}` : '' },
              s?.agents_needed == null ? '—' : `${s.agents_needed} (have ${s.agents_staffed})`,
            ),
          );
        }),
      ),
    );
  };
  const plot = () => chart.setData([samples.map((s) => s.t / 1000), samples.map((s) => s.calls_waiting), samples.map((s) => s.active_calls), samples.map((s) => s.idle_agents), samples.map((s) => s.service_level)]);

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
  const loadHistory = () =>
    api
      .json<{ times: string[]; series: Array<{ queue: string; offered: number[]; answered: number[] }> }>('/cc/dashboard/timeseries?minutes=60')
      .then((ts) => {
        historyNote.textContent = '';
        history ??= timeChart(historyBox, [{ label: 'Offered', color: '#38bdf8', bars: true }, { label: 'Answered', color: '#a3e635' }], 200);
        const sum = (k: 'offered' | 'answered') => ts.times.map((_, i) => ts.series.reduce((a, s) => a + (s[k][i] ?? 0), 0));
        history.setData([ts.times.map((t) => Date.parse(t) / 1000), sum('offered'), sum('answered')]);
      })
      .catch((e: Error) => (historyNote.textContent = `History is not available: ${e.message}`));
  void loadHistory();
  const every = setInterval(loadHistory, 60_000);
  // After an outage the history request failed too: ask again once the feed is back.
  const reload = () => void loadHistory();
  feed.socket.on('connect', reload);
  return () => {
    leave();
    off();
    clearInterval(every);
    feed.socket.off('connect', reload);
    chart.destroy();
    history?.destroy();
  };
};

function tile(key: string, label: string, value: string, state = 'none'): HTMLElement {
  return h('div', { class: `tile ${state}`, 'data-tile': key }, h('div', { class: 'label' }, label), h('div', { class: 'value' }, value));
}
