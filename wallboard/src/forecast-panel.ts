/**
 * The queue page's forecast (GET /cc/forecast, docs/forecast.md): the next 15, 30 and 60
 * minutes as the queue is staffed, and a what-if table (−2 … +3 agents) for the next 15
 * minutes, beside the live staffing hint. Forecasts move slowly: polled, not pushed per event.
 */
import type { ForecastView } from '../../processors/forecast-view.js';
import type { StaffingHint } from '../../src/realtime/protocol.js';
import type { Api } from './api.js';
import { fill, h } from './dom.js';
import { pct, seconds, time } from './format.js';

type List = { generated_at: string; forecasts: ForecastView[] };
type Horizon = ForecastView['horizons'][number];

/** The what-if steps shown: fewer agents first. */
export const WHAT_IF_DELTAS = [-2, -1, 0, 1, 2, 3] as const;
const POLL_MS = 30_000;

const interval = (f: Horizon): string => (f.interval ? `${f.interval.low.toFixed(1)}–${f.interval.high.toFixed(1)}%` : '—');
const agents = (v: number): string => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function forecastPanel(api: Api, queue: string, opts: { at?: () => string | null } = {}) {
  const el = h('section', { class: 'panel forecast', id: 'forecast' }, h('h2', {}, 'Forecast'));
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading the forecast…'));
  const hint = h('p', { class: 'staffing-hint', id: 'staffing-hint' });
  el.append(hint, body);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const q = encodeURIComponent(queue);

  const load = async () => {
    if (opts.at?.()) {
      // The forecast is of the future from now: meaningless while the board shows the past.
      fill(body, h('p', { class: 'muted' }, 'The forecast is shown on the live view only.'));
      return;
    }
    try {
      const base = await api.json<List>(`/cc/forecast?queue=${q}`);
      const whatIf = await Promise.all(
        WHAT_IF_DELTAS.map((d) => (d === 0 ? Promise.resolve(base) : api.json<List>(`/cc/forecast?queue=${q}&horizon=15m&agents_delta=${d}`))),
      );
      if (!stopped) render(base.forecasts[0], whatIf.map((l) => l.forecasts[0]));
    } catch (e) {
      if (!stopped) fill(body, h('p', { class: 'error' }, `No forecast: ${(e as Error).message}`));
    }
  };
  const render = (f: ForecastView | undefined, ws: Array<ForecastView | undefined>) => {
    if (!f) return fill(body, h('p', { class: 'muted' }, 'No forecast for this queue.'));
    const rows = f.horizons.map((x) =>
      h(
        'tr',
        { 'data-horizon': x.horizon },
        h('th', { scope: 'row' }, `Next ${x.horizon.replace('m', ' min')}`, h('small', {}, ` until ${time(x.to)}`)),
        h('td', { class: 'num', 'data-k': 'offered', 'data-label': 'Offered' }, x.offered.toFixed(1)),
        h('td', { class: 'num', 'data-k': 'service_level', 'data-label': 'Service level' }, pct(x.service_level)),
        h('td', { class: 'num', 'data-k': 'interval', 'data-label': 'Interval' }, interval(x)),
        h('td', { class: 'num', 'data-k': 'asa', 'data-label': 'ASA' }, seconds(x.asa_s)),
        h('td', { class: 'num', 'data-k': 'abandonment', 'data-label': 'Abandoned' }, pct(x.abandonment_rate)),
      ),
    );
    const wrows = WHAT_IF_DELTAS.map((d, i) => {
      const w = ws[i];
      const x = w?.horizons.find((y) => y.horizon === '15m');
      const n = d === 0 ? w?.inputs.agents : (w?.inputs.what_if_agents ?? null);
      return h(
        'tr',
        { 'data-delta': d, class: d === 0 ? 'now' : '' },
        h('th', { scope: 'row' }, d === 0 ? 'As staffed' : d > 0 ? `+${d}` : `−${-d}`, h('small', {}, n === null || n === undefined ? '' : ` (${agents(n)} agents)`)),
        h('td', { class: 'num', 'data-k': 'service_level', 'data-label': 'Service level' }, pct(x?.service_level)),
        h('td', { class: 'num', 'data-k': 'asa', 'data-label': 'ASA' }, seconds(x?.asa_s)),
        h('td', { class: 'num', 'data-k': 'abandonment', 'data-label': 'Abandoned' }, pct(x?.abandonment_rate)),
      );
    });
    fill(
      body,
      h('p', { class: 'muted' }, `Target ${f.target_pct}% in ${f.threshold_s} s · ${agents(f.inputs.agents)} agents answering · ${f.inputs.arrivals_per_hour_forecast.toFixed(0)} calls/h expected · as of ${time(f.generated_at)}`),
      h('div', { class: 'scroll' },
        h('table', { id: 'forecast-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Horizon'), h('th', { class: 'num' }, 'Offered'), h('th', { class: 'num' }, 'Service level'), h('th', { class: 'num' }, `Interval (${f.horizons[0]?.interval?.level ?? 80}%)`), h('th', { class: 'num' }, 'ASA'), h('th', { class: 'num' }, 'Abandoned'))),
          h('tbody', {}, ...rows),
        ),
      ),
      h('h3', {}, 'What if: next 15 min with more or fewer agents'),
      h('div', { class: 'scroll' },
        h('table', { id: 'what-if-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Agents'), h('th', { class: 'num' }, 'Service level'), h('th', { class: 'num' }, 'ASA'), h('th', { class: 'num' }, 'Abandoned'))),
          h('tbody', {}, ...wrows),
        ),
      ),
    );
  };
  const loop = () => {
    void load().finally(() => {
      if (!stopped) timer = setTimeout(loop, POLL_MS);
    });
  };
  loop();
  return {
    el,
    /** The live hint (Erlang C on the last hour), shown beside the forecast. */
    staffing(s: StaffingHint | undefined) {
      fill(hint, s && s.agents_needed !== null ? `Staffing hint now: ${s.agents_needed} agent${s.agents_needed === 1 ? '' : 's'} needed (have ${s.agents_staffed}), Erlang C on ${s.arrivals_per_hour} calls in the last hour` : '');
    },
    reload: () => void load(),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
