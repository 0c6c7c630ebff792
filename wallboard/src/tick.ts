/**
 * Live-ticking durations (wait, time in state, call duration): the server sends the figure
 * at its instant; the page adds the time since it arrived, once a second, without asking
 * the server again.
 */
import { seconds } from './format.js';

/** `at` is when the figure arrived (client ms): a row re-rendered later keeps counting from it. */
export function ticking(baseS: number | null, at = Date.now(), cls = ''): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = `tick ${cls}`.trim();
  if (baseS === null) {
    el.textContent = '—';
    return el;
  }
  el.dataset.base = String(baseS);
  el.dataset.at = String(at);
  el.textContent = seconds(cls.includes('frozen') ? baseS : baseS + (Date.now() - at) / 1000);
  return el;
}

export function startTicking(): () => void {
  const t = setInterval(() => {
    // A rewound page shows durations as they were at that instant: they do not tick.
    if (document.body.classList.contains('past')) return;
    const now = Date.now();
    document.querySelectorAll<HTMLElement>('span.tick[data-base]:not(.frozen)').forEach((el) => {
      el.textContent = seconds(Number(el.dataset.base) + (now - Number(el.dataset.at)) / 1000);
    });
  }, 1000);
  return () => clearInterval(t);
}
