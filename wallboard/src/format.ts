/** How figures read on the wallboard; the browser tests compare these strings with the API's numbers. */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const t = Math.max(0, Math.floor(s));
  if (t < 60) return `${t}s`;
  const m = Math.floor(t / 60);
  if (m < 60) return `${m}:${String(t % 60).padStart(2, '0')}`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}`;
}

export const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : `${v.toFixed(1)}%`);

/** ok at or above target, warn within 10 points below, bad further below; none without a figure. */
export function slState(value: number | null, target: number | null): 'ok' | 'warn' | 'bad' | 'none' {
  if (value === null || target === null) return 'none';
  if (value >= target) return 'ok';
  return value >= target - 10 ? 'warn' : 'bad';
}

export const time = (iso: string | number): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
