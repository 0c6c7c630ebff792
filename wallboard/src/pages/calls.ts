/**
 * Active calls with the supervisor's actions: listen, whisper, barge, take over (the
 * session and its browser audio: monitor/index.ts), end (POST /cc/calls/{id}/end) and a note
 * (PATCH /cc/calls/{id}). The engine answers each; its refusal is shown as it comes.
 */
import type { CallView } from '../../../src/realtime/protocol.js';
import { fill, h } from '../dom.js';
import { startMonitoring } from '../monitor/index.js';
import type { Page } from '../page.js';
import { ticking } from '../tick.js';

const MONITOR = [
  ['listen', 'Listen'],
  ['whisper', 'Whisper'],
  ['barge', 'Barge'],
  ['takeover', 'Take over'],
] as const;

export const callsPage: Page = (root, { feed, api }) => {
  const calls = new Map<string, { view: CallView; at: number }>();
  const table = h('table', { id: 'calls' });
  const toast = h('p', { class: 'toast', id: 'call-toast' });
  root.append(toast, h('section', { class: 'panel' }, h('h2', {}, 'Active calls'), table));

  const act = (label: string, run: () => Promise<unknown>) =>
    run().then(
      () => (toast.textContent = `${label}: done`),
      (e: Error) => (toast.textContent = `${label}: ${e.message}`),
    );
  // A note being typed survives the table re-rendering on every call change.
  const notes = new Map<string, HTMLInputElement>();
  const actions = (c: CallView) => {
    const note = notes.get(c.call_id) ?? h('input', { placeholder: 'note', class: 'note', 'aria-label': `note for ${c.call_id}` });
    notes.set(c.call_id, note);
    return h(
      'div',
      { class: 'actions' },
      ...MONITOR.map(([action, label]) => h('button', { onclick: () => act(`${label} ${c.call_id}`, () => startMonitoring(api, c.call_id, action)) }, label)),
      h('button', { class: 'danger', onclick: () => act(`End ${c.call_id}`, () => api.post(`/cc/calls/${encodeURIComponent(c.call_id)}/end`, {})) }, 'End'),
      note,
      h('button', { onclick: () => note.value.trim() && act(`Note on ${c.call_id}`, () => api.post(`/cc/calls/${encodeURIComponent(c.call_id)}`, { note: note.value.trim() }, 'PATCH')) }, 'Add note'),
    );
  };
  const render = () => {
    const rows = [...calls.values()].sort((a, b) => a.view.arrived_at.localeCompare(b.view.arrived_at));
    fill(
      table,
      h('thead', {}, h('tr', {}, ...['Call', 'Caller', 'Queue', 'Agent', 'State', 'Wait', 'Talk', 'Monitors', 'Actions'].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...rows.map(({ view: c, at }) =>
          h(
            'tr',
            { 'data-call': c.call_id },
            h('td', {}, c.call_id),
            h('td', {}, c.caller.name ?? c.caller.number),
            h('td', {}, c.queue ?? '—'),
            h('td', {}, c.agent ?? '—'),
            h('td', {}, h('span', { class: `state ${c.state}` }, c.state)),
            h('td', {}, c.state === 'queued' || c.state === 'ringing' ? ticking(c.wait_s, at) : ticking(c.wait_s, at, 'frozen')),
            h('td', {}, c.state === 'talking' ? ticking(c.talk_s, at) : String(Math.round(c.talk_s)) + 's'),
            h('td', {}, c.monitors.map((m) => `${m.supervisor} (${m.mode})`).join(', ') || '—'),
            h('td', {}, actions(c)),
          ),
        ),
      ),
    );
  };
  const leave = feed.join({ view: 'calls' }, (snap) => {
    calls.clear();
    for (const c of snap.calls) calls.set(c.call_id, { view: c, at: Date.now() });
    render();
  });
  const off = feed.on('calls:updated', (d) => {
    for (const c of d.calls) calls.set(c.call_id, { view: c, at: Date.now() });
    for (const id of d.ended) {
      calls.delete(id);
      notes.delete(id);
    }
    render();
  });
  return () => {
    leave();
    off();
  };
};
