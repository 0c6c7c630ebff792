/** One queue: its waiting calls with live-ticking waits, position and caller; ringing offers; member agents by state. */
import type { QueueDetailView } from '../../../src/realtime/protocol.js';
import { fill, h } from '../dom.js';

import type { Page } from '../page.js';
import { ticking } from '../tick.js';

export const queuePage: Page = (root, { feed, param }) => {
  const queue = param ?? '';
  const title = h('h1', {}, queue);
  const summary = h('section', { class: 'tiles' });
  const waiting = h('table', { id: 'waiting' });
  const ringing = h('table', { id: 'ringing' });
  const error = h('p', { class: 'error' });
  root.append(
    h('p', {}, h('a', { href: '#/dashboard' }, '← Dashboard')),
    title,
    error,
    summary,
    h('section', { class: 'panel' }, h('h2', {}, 'Waiting calls'), waiting),
    h('section', { class: 'panel' }, h('h2', {}, 'Ringing offers'), ringing),
  );
  const render = (q: QueueDetailView) => {
    title.textContent = `${q.name} (${q.queue})`;
    const states = Object.entries(q.agents).filter(([, n]) => n > 0);
    fill(
      summary,
      h('div', { class: `tile ${q.calls_waiting > 0 ? 'warn' : 'none'}`, 'data-tile': 'calls_waiting' }, h('div', { class: 'label' }, 'Calls waiting'), h('div', { class: 'value' }, q.calls_waiting)),
      h('div', { class: 'tile', 'data-tile': 'longest_wait' }, h('div', { class: 'label' }, 'Longest wait'), h('div', { class: 'value' }, ticking(q.longest_wait_s))),
      h('div', { class: 'tile wide' }, h('div', { class: 'label' }, 'Agents'), h('div', { class: 'chips' }, ...states.map(([s, n]) => h('span', { class: `state ${s}` }, `${s} ${n}`)))),
    );
    fill(
      waiting,
      h('thead', {}, h('tr', {}, ...['#', 'Caller', 'Number', 'Waiting', 'Priority', 'Queued at'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...(q.waiting.length === 0 ? [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No call waiting'))] : []),
        ...q.waiting.map((w) =>
          h('tr', { 'data-call': w.call_id }, h('td', {}, w.position), h('td', {}, w.caller.name ?? '—'), h('td', {}, w.caller.number), h('td', {}, ticking(w.wait_s)), h('td', {}, w.priority), h('td', {}, new Date(w.queued_at).toLocaleTimeString())),
        ),
      ),
    );
    fill(
      ringing,
      h('thead', {}, h('tr', {}, ...['Call', 'Agent', 'Ringing for'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...(q.ringing.length === 0 ? [h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'No offer ringing'))] : []),
        ...q.ringing.map((r) => h('tr', {}, h('td', {}, r.call_id), h('td', {}, r.agent), h('td', {}, ticking(r.ringing_s)))),
      ),
    );
  };
  const leave = feed.join({ view: 'queue', queue }, render, (m) => (error.textContent = m));
  const off = feed.on('queue:updated', (q) => {
    if (q.queue === queue) render(q);
  });
  return () => {
    leave();
    off();
  };
};
