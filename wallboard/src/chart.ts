/**
 * uPlot, sized to its box: time series charts for the dashboard and the reports. Axis
 * labels take the page's type size (larger in TV mode); counts per interval are drawn as
 * bars side by side, never as a line sloping between two intervals.
 */
import uPlot from 'uplot';
import { engineNow } from './clock.js';

export interface SeriesSpec {
  label: string;
  color: string;
  /** 'pct' plots on the right-hand 0-100 axis. */
  scale?: 'n' | 'pct';
  bars?: boolean;
}

export interface ChartOptions {
  height?: number;
  /** The x axis always spans the last `lastS` seconds up to now (a live chart). */
  lastS?: number;
  /** Width of one interval (s) for bar charts: the axis reaches the end of the last one, so no bar is cut. */
  stepS?: number;
  /** The chart takes its box's height (TV mode: whatever the screen leaves), at least `height`. */
  fill?: boolean;
}

/** The page's axis type size in px (--axis-font may be a clamp() of the viewport: it is measured, not parsed). */
function axisPx(): number {
  const probe = document.createElement('span');
  probe.style.fontSize = 'var(--axis-font, 14px)';
  document.body.append(probe);
  const px = parseFloat(getComputedStyle(probe).fontSize) || 14;
  probe.remove();
  return px;
}

const hourMinute = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
const dayMonth = new Intl.DateTimeFormat([], { month: 'short', day: 'numeric' });

/**
 * Time labels on one line, as short as the span allows: hours and minutes within a day and a
 * half, the date where a label falls on midnight beyond that (uPlot's own put the date on a
 * second line, under the first label, where it ran into the axis's other labels).
 */
export function timeLabels(splits: number[], spanS: number): string[] {
  return splits.map((s) => {
    const d = new Date(s * 1000);
    if (spanS <= 36 * 3600) return hourMinute.format(d);
    const midnight = d.getHours() === 0 && d.getMinutes() === 0;
    return midnight ? dayMonth.format(d) : `${dayMonth.format(d)} ${hourMinute.format(d)}`;
  });
}

export function timeChart(box: HTMLElement, series: SeriesSpec[], o: ChartOptions = {}): uPlot {
  const px = axisPx();
  // A chart of fixed height grows with its type (TV mode): else the axes and the legend eat the plot.
  const minHeight = o.fill ? (o.height ?? 260) : Math.max(o.height ?? 260, Math.round(px * 12));
  // The legend sits under the plot: a filling chart leaves it room (its height grows with the type).
  let legendPx = 44;
  const heightOf = () => (o.fill ? Math.max(minHeight, Math.floor(box.clientHeight) - legendPx) : minHeight);
  const height = heightOf();
  const usesPct = series.some((s) => s.scale === 'pct');
  const usesN = series.some((s) => (s.scale ?? 'n') === 'n');
  const { lastS, stepS } = o;
  const xRange: uPlot.Scale['range'] | undefined =
    lastS !== undefined
      ? (): uPlot.Range.MinMax => [engineNow() / 1000 - lastS, engineNow() / 1000]
      : stepS !== undefined
        ? (_u, min, max): uPlot.Range.MinMax => [min - stepS / 2, max + stepS / 2]
        : undefined;
  const bars = series.filter((s) => s.bars);
  // The axis type is drawn on the canvas: the page's tests read its size here.
  box.dataset.axisPx = String(px);
  const axisFont = `${px}px system-ui, sans-serif`;
  // The y axes are as wide as "1000" in this type; the x axis as tall as one line of labels.
  const axisSize = Math.round(px * 3.6);
  const xAxisSize = Math.round(px * 2.2);
  const opts: uPlot.Options = {
    width: Math.max(280, box.clientWidth || 800),
    height,
    scales: { x: { time: true, ...(xRange ? { range: xRange } : {}) }, n: { range: (_u, _min, max) => [0, Math.max(5, max)] }, pct: { range: [0, 100] } },
    axes: [
      // Tick spacing grows with the type, so labels never run into each other.
      {
        stroke: '#cbd5e1',
        grid: { stroke: '#334155' },
        font: axisFont,
        size: xAxisSize,
        space: px * 6,
        values: (u: uPlot, splits: number[]) => timeLabels(splits, (u.scales.x!.max ?? 0) - (u.scales.x!.min ?? 0)),
      },
      ...(usesN ? [{ scale: 'n', stroke: '#cbd5e1', grid: { stroke: '#334155' }, font: axisFont, size: axisSize, space: px * 1.8 }] : []),
      ...(usesPct
        ? [{ scale: 'pct', side: usesN ? 1 : 3, stroke: '#cbd5e1', font: axisFont, size: Math.round(px * 4.4), space: px * 1.8, grid: { show: !usesN, stroke: '#334155' }, values: (_u: uPlot, v: number[]) => v.map((x) => `${x}%`) }]
        : []),
    ],
    series: [
      {},
      ...series.map((s) => {
        const i = bars.indexOf(s);
        // Bars of one interval sit side by side: each takes its share of the interval's width.
        const align = (bars.length === 1 ? 0 : i === 0 ? -1 : 1) as 0 | 1 | -1;
        return {
          label: s.label,
          stroke: s.color,
          width: 2,
          scale: s.scale ?? 'n',
          ...(s.bars ? { paths: uPlot.paths.bars!({ size: [bars.length > 1 ? 0.4 : 0.7, 60], align, gap: 1 }), fill: `${s.color}bb`, points: { show: false } } : {}),
        };
      }),
    ],
    legend: { live: false },
    // Room above the plot for the top label of the y axes (half of it is above the line), and
    // on the right for the last time label (centred on its tick) when no axis is there.
    padding: [Math.round(px * 0.7), usesPct && usesN ? null : Math.round(px * 2.2), null, null],
  };
  // uPlot draws into the box: a filling chart is positioned out of the flow so it never pushes its box taller.
  const holder = o.fill ? Object.assign(document.createElement('div'), { className: 'chart-fill' }) : box;
  if (o.fill) box.append(holder);
  const chart = new uPlot(opts, [[], ...series.map(() => [])], holder);
  const legend = chart.root.querySelector<HTMLElement>('.u-legend');
  const measureLegend = () => {
    if (legend) legendPx = Math.ceil(legend.getBoundingClientRect().height) + 8;
  };
  measureLegend();
  if (o.fill) chart.setSize({ width: Math.max(280, box.clientWidth), height: heightOf() });
  const resize = new ResizeObserver(() => {
    measureLegend();
    chart.setSize({ width: Math.max(280, box.clientWidth), height: heightOf() });
  });
  resize.observe(box);
  return chart;
}
