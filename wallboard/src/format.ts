/**
 * How figures read on the wallboard, one way everywhere; the browser tests compare these
 * strings with the API's numbers. Durations are m:ss (h:mm:ss from an hour), like a
 * phone's call timer; rates are percentages with one decimal.
 */
export function seconds(s: number | null | undefined): string {
  if (s === null || s === undefined || !Number.isFinite(s)) return '—';
  const t = Math.max(0, Math.floor(s));
  const ss = String(t % 60).padStart(2, '0');
  const m = Math.floor(t / 60);
  if (m < 60) return `${m}:${ss}`;
  return `${Math.floor(m / 60)}:${String(m % 60).padStart(2, '0')}:${ss}`;
}

export const pct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(1)}%`);

/** A count, or a dash when there is none to show. */
export const count = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : String(v));

/** ok at or above target, warn within 10 points below, bad further below; none without a figure. */
export function slState(value: number | null, target: number | null): 'ok' | 'warn' | 'bad' | 'none' {
  if (value === null || target === null) return 'none';
  if (value >= target) return 'ok';
  return value >= target - 10 ? 'warn' : 'bad';
}

/** A queue's target as a supervisor says it: "80% in 20 s". */
export const target = (pctTarget: number | null, thresholdS: number | null): string =>
  pctTarget === null ? 'each queue its own' : `${pctTarget}% in ${thresholdS} s`;

export const time = (iso: string | number): string => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
export const dateTime = (iso: string | number): string =>
  new Date(iso).toLocaleString([], { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** Agent states as the board names them (the API's `busy` is a call in progress). */
export const STATE_LABEL: Record<string, string> = {
  idle: 'Idle',
  ringing: 'Ringing',
  busy: 'Talking',
  wrapup: 'Wrap-up',
  away: 'Away',
  offline: 'Offline',
  queued: 'Waiting',
  talking: 'Talking',
  held: 'On hold',
  arrived: 'Arriving',
  abandoned: 'Abandoned',
  ended: 'Ended',
  firing: 'Firing',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};
export const stateLabel = (s: string): string => STATE_LABEL[s] ?? s;
