/**
 * Live-ticking durations (wait, time in state, call duration): the server sends the figure
 * at its instant; the page adds the time since it arrived, once a second, without asking
 * the server again.
 */
import { seconds } from './format.js';

export function ticking(baseS: number | null, cls = ''): HTMLSpanElement {
  const el = document.createElement('span');
  el.className = `tick ${cls}`.trim();
  if (baseS === null) {
    el.textContent = '—';
    return el;
  }
  el.dataset.base = String(baseS);
  el.dataset.at = String(Date.now());
  el.textContent = seconds(baseS);
  return el;
}

export function startTicking(): () => void {
  const t = setInterval(() => {
    const now = Date.now();
    for (const el of document.querySelectorAll<HTMLElement>('span.tick[data-base]')) {
      el.textContent = seconds(Number(el.dataset.base) + (now - Number(el.dataset.at)) / 1000);
    }
  }, 1000);
  return () => clearInterval(t);
}
