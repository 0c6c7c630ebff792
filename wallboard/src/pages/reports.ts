/**
 * Reports from the history store: filters (range, queue, agent, direction, grouping), the
 * calls and agents tables, SLA-trend and call-volume charts, and the CSV export of the same
 * filters. Queues and agents are picked by name; columns say what they hold and in which unit.
 */
import { timeChart } from '../chart.js';
import { engineNow } from '../clock.js';
import { fill, h } from '../dom.js';
import { dateTime, pct, seconds } from '../format.js';
import type { Names } from '../names.js';
import type { Page } from '../page.js';
import { SortTable, type Column } from '../table.js';

interface Series {
  times: string[];
  series: Array<{ queue: string; service_level_pct?: (number | null)[]; offered?: number[]; answered?: number[]; abandoned?: number[] }>;
}
type CallsRow = {
  group: string | null;
  calls: number;
  answered: number;
  abandoned: number;
  short_abandoned: number;
  answer_rate: number | null;
  abandonment_rate: number | null;
  service_level_pct: number | null;
  asa_s: number | null;
  average_wait_s: number | null;
  average_talk_s: number | null;
  average_duration_s: number | null;
};
type AgentsRow = { agent: string; calls: number; talk_s: number; hold_s: number; acw_s: number; aht_s: number | null; idle_rate: number | null; occupancy: number | null };

const COLORS = ['#38bdf8', '#f472b6', '#a3e635', '#f59e0b', '#c084fc', '#f87171'];
const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
const GROUPS: Array<[string, string]> = [['queue', 'Queue'], ['agent', 'Agent'], ['hour', 'Hour'], ['day', 'Day'], ['none', 'Nothing (one row)']];
const RANGES: Array<[string, string, (now: number) => number]> = [
  ['today', 'Today', (now) => new Date(new Date(now).setHours(0, 0, 0, 0)).getTime()],
  ['24h', 'Last 24 hours', (now) => now - 86_400_000],
  ['7d', 'Last 7 days', (now) => now - 7 * 86_400_000],
];

export const reportsPage: Page = (root, { api, names }) => {
  const now = engineNow();
  const pick = (id: string, any: string, list: Array<[string, string]>) => h('select', { id }, h('option', { value: '' }, any), ...list.map(([v, label]) => h('option', { value: v }, label)));
  const f = {
    from: h('input', { type: 'datetime-local', id: 'r-from', value: local(now - 86_400_000) }),
    to: h('input', { type: 'datetime-local', id: 'r-to', value: local(now + 60_000) }),
    queue: pick('r-queue', 'any queue', names.queueList()),
    agent: pick('r-agent', 'any agent', names.agentList()),
    direction: h('select', { id: 'r-direction' }, h('option', { value: '' }, 'both'), h('option', { value: 'inbound' }, 'inbound'), h('option', { value: 'outbound' }, 'outbound')),
    group_by: h('select', { id: 'r-group' }, ...GROUPS.map(([g, label]) => h('option', { value: g }, label))),
  };
  const status = h('p', { class: 'muted', id: 'r-status', role: 'status' });
  // What a report counts, said where it is read: Dashboard and Agents count the calls in progress too.
  const counts = h('p', { class: 'muted', id: 'r-counts' });
  let groupBy = 'queue';
  const calls = new SortTable<CallsRow>({ id: 'r-table', empty: 'No call arrived in this range with these filters.', columns: [] });
  const agents = new SortTable<AgentsRow>({
    id: 'r-agents',
    sortBy: 'agent',
    empty: 'No agent answered a call in this range.',
    columns: [
      { key: 'agent', label: 'Agent', sort: (r) => names.agent(r.agent), cell: (r) => names.agent(r.agent) },
      { key: 'calls', label: 'Calls answered', class: 'num', sort: (r) => r.calls, cell: (r) => r.calls },
      { key: 'talk', label: 'Talk (h:mm:ss)', class: 'num', sort: (r) => r.talk_s, cell: (r) => seconds(r.talk_s) },
      { key: 'hold', label: 'Hold (m:ss)', class: 'num', sort: (r) => r.hold_s, cell: (r) => seconds(r.hold_s) },
      { key: 'acw', label: 'After-call work (m:ss)', class: 'num', sort: (r) => r.acw_s, cell: (r) => seconds(r.acw_s) },
      { key: 'aht', label: 'Average handle (m:ss)', class: 'num', sort: (r) => r.aht_s, cell: (r) => seconds(r.aht_s) },
      { key: 'idle', label: 'Idle rate', class: 'num', sort: (r) => r.idle_rate, cell: (r) => pct(r.idle_rate) },
      { key: 'occupancy', label: 'Occupancy', class: 'num', sort: (r) => r.occupancy, cell: (r) => pct(r.occupancy) },
    ],
  });
  const slaBox = h('div', { class: 'chart', id: 'r-sla' });
  const volBox = h('div', { class: 'chart', id: 'r-volume' });
  const params = (extra: Record<string, string> = {}) => {
    const p = new URLSearchParams({ from: new Date(f.from.value).toISOString(), to: new Date(f.to.value).toISOString(), ...extra });
    for (const k of ['queue', 'agent', 'direction'] as const) if (f[k].value) p.set(k, f[k].value);
    return p;
  };
  const run = async () => {
    status.textContent = 'Loading…';
    try {
      groupBy = f.group_by.value;
      const [report, agentRows] = await Promise.all([
        api.json<{ rows: CallsRow[] }>(`/cc/reports/calls?${params({ group_by: groupBy })}`),
        api.json<{ rows: AgentsRow[] }>(`/cc/reports/agents?${(() => { const p = params(); p.delete('direction'); return p; })()}`),
      ]);
      const rows = report.rows.filter((r) => r.calls > 0);
      renderCalls(calls, rows, groupBy, names);
      agents.render(agentRows.rows.filter((r) => r.calls > 0 || r.talk_s > 0));
      const chartParams = params({ interval: 'hour' });
      chartParams.delete('agent');
      chartParams.delete('direction');
      const [sla, vol] = await Promise.all([api.json<Series>(`/cc/reports/charts/sla-trend?${chartParams}`), api.json<Series>(`/cc/reports/charts/call-volume?${chartParams}`)]);
      plotSla(slaBox, sla);
      plotVolume(volBox, vol);
      const total = rows.reduce((n, r) => n + r.calls, 0);
      status.textContent = `${rows.length} rows · ${total} calls`;
      const short = rows.reduce((n, r) => n + r.short_abandoned, 0);
      const inProgress = await api.json<{ calls: unknown[] }>('/cc/calls/active').then((a) => a.calls.length, () => null);
      counts.textContent =
        `Calls that arrived in the range and have ended: history holds a call once it ends${inProgress === null ? '' : `, so the ${inProgress} calls in progress now are on the Calls page and the Dashboard, not here yet`}. ` +
        `Abandoned leaves out short abandons (callers who hung up within the queue's short-abandon time: ${short} here, in their own column); the calls CSV has one row per call, short abandons included (outcome "abandoned", with their wait).`;
    } catch (e) {
      status.textContent = `Report failed: ${(e as Error).message}`;
    }
  };
  // The agents export takes the agents report's filters (no direction), as the Agents table does.
  const download = async (what: 'calls' | 'agents') => {
    try {
      const p = params();
      if (what === 'agents') p.delete('direction');
      const res = await api.fetch(`/cc/reports/${what}/export?${p}`);
      const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `${what}.csv`;
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      status.textContent = `Downloaded ${name}`;
    } catch (e) {
      status.textContent = `Export failed: ${(e as Error).message}`;
    }
  };
  const preset = (from: (now: number) => number) => {
    const t = engineNow();
    f.from.value = local(from(t));
    f.to.value = local(t + 60_000);
    void run();
  };
  root.append(
    h(
      'form',
      { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
      h('span', { class: 'presets' }, ...RANGES.map(([k, label, from]) => h('button', { type: 'button', 'data-range': k, onclick: () => preset(from) }, label))),
      h('label', {}, 'From ', f.from), h('label', {}, 'To ', f.to), h('label', {}, 'Queue ', f.queue), h('label', {}, 'Agent ', f.agent),
      h('label', {}, 'Direction ', f.direction), h('label', {}, 'Group by ', f.group_by),
      h('button', { type: 'submit', id: 'r-run' }, 'Run'),
      h('button', { type: 'button', id: 'r-csv', onclick: () => void download('calls') }, 'Calls CSV'),
      h('button', { type: 'button', id: 'r-csv-agents', onclick: () => void download('agents') }, 'Agents CSV'),
    ),
    status,
    counts,
    h('section', { class: 'panel' }, h('h2', {}, 'Calls'), calls.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Agents'), agents.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Service level per hour'), slaBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Calls offered and answered per hour'), volBox),
  );
  const charts: Array<{ destroy(): void }> = [];
  const empty = (box: HTMLElement, s: Series) => {
    box.replaceChildren();
    if (s.times.length > 0) return false;
    box.append(h('p', { class: 'muted' }, 'No call in this range.'));
    return true;
  };
  function plotSla(box: HTMLElement, s: Series) {
    if (empty(box, s)) return;
    const chart = timeChart(box, s.series.map((q, i) => ({ label: names.queue(q.queue), color: COLORS[i % COLORS.length]!, scale: 'pct' as const })), { height: 220 });
    chart.setData([s.times.map((t) => Date.parse(t) / 1000), ...s.series.map((q) => q.service_level_pct ?? [])]);
    charts.push(chart);
  }
  function plotVolume(box: HTMLElement, s: Series) {
    if (empty(box, s)) return;
    const chart = timeChart(box, [{ label: 'Offered', color: '#38bdf8', bars: true }, { label: 'Answered', color: '#a3e635', bars: true }], { height: 220, stepS: 3600 });
    const sum = (k: 'offered' | 'answered') => s.times.map((_, i) => s.series.reduce((a, q) => a + (q[k]?.[i] ?? 0), 0));
    chart.setData([s.times.map((t) => Date.parse(t) / 1000), sum('offered'), sum('answered')]);
    charts.push(chart);
  }
  void run();
  return () => charts.forEach((c) => c.destroy());
};

function renderCalls(table: SortTable<CallsRow>, rows: CallsRow[], groupBy: string, names: Names): void {
  const noQueue = (r: CallsRow) => groupBy === 'queue' && r.group === null;
  const notQueued = () => h('span', { title: 'never queued: no queue figures' }, '—');
  const groupLabel = GROUPS.find(([g]) => g === groupBy)?.[1] ?? 'Group';
  const groupText = (r: CallsRow) =>
    groupBy === 'none' ? 'All calls' : groupBy === 'queue' ? (r.group ? names.queue(r.group) : 'No queue (outbound, direct: talk only)') : groupBy === 'agent' ? (r.group ? names.agent(r.group) : 'No agent (not answered)') : r.group ? dateTime(r.group) : '—';
  const columns: Array<Column<CallsRow>> = [
    { key: 'group', label: groupBy === 'none' ? '' : groupLabel, sort: (r) => (groupBy === 'hour' || groupBy === 'day' ? r.group : groupText(r)), cell: groupText },
    { key: 'calls', label: 'Calls', class: 'num', sort: (r) => r.calls, cell: (r) => r.calls },
    // Calls that never queued (outbound, direct) have no queue figures: a dash, not a 0 that reads as "none answered".
    { key: 'answered', label: 'Answered', class: 'num', sort: (r) => r.answered, cell: (r) => (noQueue(r) ? notQueued() : r.answered) },
    { key: 'abandoned', label: 'Abandoned', class: 'num', sort: (r) => r.abandoned, cell: (r) => (noQueue(r) ? notQueued() : r.abandoned) },
    { key: 'short', label: 'Short abandons (left out)', class: 'num', sort: (r) => r.short_abandoned, cell: (r) => (noQueue(r) ? notQueued() : r.short_abandoned) },
    { key: 'answer_rate', label: 'Answer rate', class: 'num', sort: (r) => r.answer_rate, cell: (r) => pct(r.answer_rate) },
    { key: 'abandonment_rate', label: 'Abandonment rate', class: 'num', sort: (r) => r.abandonment_rate, cell: (r) => pct(r.abandonment_rate) },
    { key: 'sl', label: 'Service level', class: 'num', sort: (r) => r.service_level_pct, cell: (r) => pct(r.service_level_pct) },
    { key: 'asa', label: 'Average answer (m:ss)', class: 'num', sort: (r) => r.asa_s, cell: (r) => seconds(r.asa_s) },
    { key: 'wait', label: 'Average wait (m:ss)', class: 'num', sort: (r) => r.average_wait_s, cell: (r) => seconds(r.average_wait_s) },
    { key: 'talk', label: 'Average talk (m:ss)', class: 'num', sort: (r) => r.average_talk_s, cell: (r) => seconds(r.average_talk_s) },
    { key: 'duration', label: 'Average duration (m:ss)', class: 'num', sort: (r) => r.average_duration_s, cell: (r) => seconds(r.average_duration_s) },
  ];
  table.setColumns(columns);
  table.render(rows);
}
