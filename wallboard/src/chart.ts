/** uPlot, sized to its box: time series charts for the dashboard and the reports. */
import uPlot from 'uplot';
import { engineNow } from './clock.js';

export interface SeriesSpec {
  label: string;
  color: string;
  /** 'pct' plots on the right-hand 0-100 axis. */
  scale?: 'n' | 'pct';
  bars?: boolean;
}

/** `lastS`: the x axis always spans the last `lastS` seconds up to now (a live chart), else the data's range. */
export function timeChart(box: HTMLElement, series: SeriesSpec[], height = 260, lastS?: number): uPlot {
  const usesPct = series.some((s) => s.scale === 'pct');
  const usesN = series.some((s) => (s.scale ?? 'n') === 'n');
  const live = lastS === undefined ? {} : { range: (): uPlot.Range.MinMax => [engineNow() / 1000 - lastS, engineNow() / 1000] };
  const opts: uPlot.Options = {
    width: Math.max(300, box.clientWidth || 800),
    height,
    scales: { x: { time: true, ...live }, n: { range: (_u, _min, max) => [0, Math.max(5, max)] }, pct: { range: [0, 100] } },
    axes: [
      { stroke: '#cbd5e1', grid: { stroke: '#334155' } },
      ...(usesN ? [{ scale: 'n', stroke: '#cbd5e1', grid: { stroke: '#334155' } }] : []),
      ...(usesPct ? [{ scale: 'pct', side: usesN ? 1 : 3, stroke: '#cbd5e1', grid: { show: !usesN, stroke: '#334155' }, values: (_u: uPlot, v: number[]) => v.map((x) => `${x}%`) }] : []),
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        scale: s.scale ?? 'n',
        ...(s.bars ? { paths: uPlot.paths.bars!({ size: [0.6, 40] }), fill: `${s.color}99` } : {}),
      })),
    ],
    legend: { live: false },
  };
  const chart = new uPlot(opts, [[], ...series.map(() => [])], box);
  const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(300, box.clientWidth), height }));
  resize.observe(box);
  return chart;
}
