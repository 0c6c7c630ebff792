/**
 * Reports from the history store: filters (range, queue, agent, direction, grouping), the
 * calls table, SLA-trend and call-volume charts, and the CSV export of the same filters.
 */
import { timeChart } from '../chart.js';
import { fill, h } from '../dom.js';
import { pct, seconds } from '../format.js';
import type { Page } from '../page.js';
import { engineNow } from '../clock.js';

interface Series {
  times: string[];
  series: Array<{ queue: string; service_level_pct?: (number | null)[]; offered?: number[]; answered?: number[]; abandoned?: number[] }>;
}
const COLORS = ['#38bdf8', '#f472b6', '#a3e635', '#f59e0b', '#c084fc', '#f87171'];
const local = (ms: number) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

export const reportsPage: Page = (root, { api }) => {
  const now = engineNow();
  const f = {
    from: h('input', { type: 'datetime-local', id: 'r-from', value: local(now - 86_400_000) }),
    to: h('input', { type: 'datetime-local', id: 'r-to', value: local(now + 60_000) }),
    queue: h('input', { id: 'r-queue', placeholder: 'any queue' }),
    agent: h('input', { id: 'r-agent', placeholder: 'any agent' }),
    direction: h('select', { id: 'r-direction' }, h('option', { value: '' }, 'both'), h('option', { value: 'inbound' }, 'inbound'), h('option', { value: 'outbound' }, 'outbound')),
    group_by: h('select', { id: 'r-group' }, ...['queue', 'agent', 'hour', 'day', 'none'].map((g) => h('option', { value: g }, g))),
  };
  const status = h('p', { class: 'muted', id: 'r-status' });
  const table = h('table', { id: 'r-table' });
  const slaBox = h('div', { class: 'chart' });
  const volBox = h('div', { class: 'chart' });
  const params = (extra: Record<string, string> = {}) => {
    const p = new URLSearchParams({ from: new Date(f.from.value).toISOString(), to: new Date(f.to.value).toISOString(), ...extra });
    for (const k of ['queue', 'agent', 'direction'] as const) if (f[k].value) p.set(k, f[k].value);
    return p;
  };
  const run = async () => {
    status.textContent = 'Loading…';
    try {
      const report = await api.json<{ rows: Array<Record<string, unknown>> }>(`/cc/reports/calls?${params({ group_by: f.group_by.value })}`);
      renderTable(table, report.rows);
      const chartParams = params({ interval: 'hour' });
      chartParams.delete('agent');
      chartParams.delete('direction');
      const [sla, vol] = await Promise.all([api.json<Series>(`/cc/reports/charts/sla-trend?${chartParams}`), api.json<Series>(`/cc/reports/charts/call-volume?${chartParams}`)]);
      plot(slaBox, sla, (s) => s.service_level_pct ?? [], 'pct');
      plot(volBox, vol, (s) => s.offered ?? [], 'n', true);
      status.textContent = `${report.rows.length} rows`;
    } catch (e) {
      status.textContent = `Report failed: ${(e as Error).message}`;
    }
  };
  const download = async () => {
    try {
      const res = await api.fetch(`/cc/reports/calls/export?${params()}`);
      const name = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'calls.csv';
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
  root.append(
    h(
      'form',
      { class: 'filters', onsubmit: (e: Event) => { e.preventDefault(); void run(); } },
      h('label', {}, 'From ', f.from), h('label', {}, 'To ', f.to), h('label', {}, 'Queue ', f.queue), h('label', {}, 'Agent ', f.agent),
      h('label', {}, 'Direction ', f.direction), h('label', {}, 'Group by ', f.group_by),
      h('button', { type: 'submit', id: 'r-run' }, 'Run'),
      h('button', { type: 'button', id: 'r-csv', onclick: () => void download() }, 'Download CSV'),
    ),
    status,
    h('section', { class: 'panel' }, h('h2', {}, 'Calls'), table),
    h('section', { class: 'panel' }, h('h2', {}, 'Service level trend'), slaBox),
    h('section', { class: 'panel' }, h('h2', {}, 'Call volume (offered)'), volBox),
  );
  const charts: Array<{ destroy(): void }> = [];
  function plot(box: HTMLElement, s: Series, values: (q: Series['series'][number]) => (number | null)[], scale: 'n' | 'pct', bars = false) {
    box.replaceChildren();
    const chart = timeChart(box, s.series.map((q, i) => ({ label: q.queue, color: COLORS[i % COLORS.length]!, scale, bars: bars && s.series.length === 1 })), 220);
    chart.setData([s.times.map((t) => Date.parse(t) / 1000), ...s.series.map(values)]);
    charts.push(chart);
  }
  void run();
  return () => charts.forEach((c) => c.destroy());
};

function renderTable(table: HTMLTableElement, rows: Array<Record<string, unknown>>): void {
  const cols = ['group', 'calls', 'answered', 'abandoned', 'service_level_pct', 'asa_s', 'average_wait_s', 'average_talk_s', 'abandonment_rate'];
  const show = (k: string, v: unknown) =>
    v === null || v === undefined ? '—' : k.endsWith('_pct') || k.endsWith('_rate') ? pct(Number(v)) : k.endsWith('_s') ? seconds(Number(v)) : String(v);
  fill(
    table,
    h('thead', {}, h('tr', {}, ...cols.map((c) => h('th', {}, c.replace(/_/g, ' '))))),
    h('tbody', {}, ...rows.map((r) => h('tr', {}, ...cols.map((c) => h('td', {}, show(c, r[c])))))),
  );
}
