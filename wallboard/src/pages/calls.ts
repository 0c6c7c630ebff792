/**
 * Calls in progress with the supervisor's actions: listen, whisper, barge, take over (the
 * monitoring hook, monitor/index.ts), end (POST /cc/calls/{id}/end) and a note
 * (PATCH /cc/calls/{id}). Only what the signed-in role can do is offered; ending and taking
 * over ask first. The engine answers each; its refusal is shown as it comes.
 */
import type { CallView } from '../../../src/realtime/protocol.js';
import { confirmAction } from '../confirm.js';
import { h } from '../dom.js';
import { stateLabel, time } from '../format.js';
import { startMonitoring, type Mode } from '../monitor/index.js';
import type { Page } from '../page.js';
import { SortTable, type Column } from '../table.js';
import { ticking } from '../tick.js';

const MONITOR: Array<[Mode, string]> = [
  ['listen', 'Listen'],
  ['whisper', 'Whisper'],
  ['barge', 'Barge'],
];
type Row = { view: CallView; at: number };

export const callsPage: Page = (root, { feed, api, names, can }) => {
  const calls = new Map<string, Row>();
  const toast = h('p', { class: 'toast', id: 'call-toast', role: 'status' });
  const caller = (c: CallView) => c.caller.name ?? c.caller.number;
  const what = (c: CallView) => `the call from ${caller(c)}${c.agent ? ` with ${names.agent(c.agent)}` : ''}`;

  const act = (label: string, run: () => Promise<unknown>) =>
    run().then(
      () => (toast.textContent = `${label}: done`),
      (e: Error) => (toast.textContent = `${label}: ${e.message}`),
    );
  const path = (c: CallView) => `/cc/calls/${encodeURIComponent(c.call_id)}`;
  // A note being typed survives the table re-rendering on every call change.
  const notes = new Map<string, HTMLInputElement>();
  const actions = (c: CallView) => {
    const talking = c.state === 'talking' || c.state === 'held';
    const buttons: Array<HTMLElement | null> = [
      ...(can('monitor') ? MONITOR.map(([mode, label]) => h('button', { 'data-action': mode, disabled: !talking, onclick: () => act(`${label}: ${what(c)}`, () => startMonitoring(api, c.call_id, mode)) }, label)) : []),
      can('takeover')
        ? h('button', {
            'data-action': 'takeover',
            disabled: !talking,
            onclick: async () => {
              if (await confirmAction('Take over this call?', `You will talk with ${caller(c)}; ${c.agent ? names.agent(c.agent) : 'the agent'} leaves the call and goes to wrap-up.`, 'Take over'))
                void act(`Take over: ${what(c)}`, () => startMonitoring(api, c.call_id, 'takeover'));
            },
          }, 'Take over')
        : null,
      can('end')
        ? h('button', {
            class: 'danger',
            'data-action': 'end',
            onclick: async () => {
              if (await confirmAction('End this call?', `${what(c)[0]!.toUpperCase()}${what(c).slice(1)} is cut for everyone on it. This cannot be undone.`, 'End call'))
                void act(`End ${what(c)}`, () => api.post(`${path(c)}/end`, {}));
            },
          }, 'End')
        : null,
    ];
    let note: HTMLInputElement | null = null;
    if (can('note')) {
      note = notes.get(c.call_id) ?? h('input', { placeholder: 'note', class: 'note', 'aria-label': `note on ${what(c)}` });
      notes.set(c.call_id, note);
    }
    const input = note;
    return h(
      'div',
      { class: 'actions' },
      ...buttons,
      input,
      input
        ? h('button', {
            'data-action': 'note',
            onclick: () => {
              const text = input.value.trim();
              if (!text) return;
              void act(`Note on ${what(c)}`, async () => {
                await api.post(path(c), { note: text }, 'PATCH');
                if (input.value.trim() === text) input.value = '';
              });
            },
          }, 'Add note')
        : null,
    );
  };
  const columns: Array<Column<Row>> = [
    { key: 'caller', label: 'Caller', sort: (r) => caller(r.view), cell: ({ view: c }) => h('span', { title: `call ${c.call_id}` }, caller(c), c.direction === 'outbound' ? h('small', {}, ' outbound') : null) },
    { key: 'queue', label: 'Queue', sort: (r) => names.queue(r.view.queue), cell: (r) => names.queue(r.view.queue) },
    { key: 'agent', label: 'Agent', sort: (r) => names.agent(r.view.agent), cell: (r) => names.agent(r.view.agent) },
    { key: 'state', label: 'State', sort: (r) => r.view.state, cell: (r) => h('span', { class: `state ${r.view.state}` }, stateLabel(r.view.state)) },
    {
      key: 'wait',
      label: 'Wait (m:ss)',
      class: 'num',
      sort: (r) => r.view.wait_s,
      cell: ({ view: c, at }) => (c.state === 'queued' || c.state === 'ringing' ? ticking(c.wait_s, at) : ticking(c.wait_s, at, 'frozen')),
    },
    { key: 'talk', label: 'Talk (m:ss)', class: 'num', sort: (r) => r.view.talk_s, cell: ({ view: c, at }) => ticking(c.talk_s, at, c.state === 'talking' ? '' : 'frozen') },
    { key: 'monitors', label: 'Monitored by', cell: (r) => r.view.monitors.map((m) => `${m.supervisor} (${m.mode})`).join(', ') || '—' },
    {
      key: 'notes',
      label: 'Notes',
      sort: (r) => r.view.notes.length,
      cell: (r) =>
        r.view.notes.length === 0 ? '—' : h('ul', { class: 'notes' }, ...r.view.notes.map((n) => h('li', {}, n.note, h('small', {}, ` ${n.author}, ${time(n.time)}`)))),
    },
  ];
  // A call's buttons are kept across re-renders (the table re-renders on every call change,
  // several times a second in a busy center): a button made anew each time would lose its
  // keyboard focus, and a click whose press and release straddle a re-render would land on
  // two different buttons and do nothing. They are made again only when what they offer or
  // say changes: talking or not, the caller, the agent.
  const actionCells = new Map<string, { key: string; el: HTMLElement }>();
  const actionsOf = (c: CallView) => {
    const key = JSON.stringify([c.state === 'talking' || c.state === 'held', caller(c), c.agent]);
    const kept = actionCells.get(c.call_id);
    if (kept?.key === key) return kept.el;
    const el = actions(c);
    actionCells.set(c.call_id, { key, el });
    return el;
  };
  if (can('monitor') || can('note') || can('end')) columns.push({ key: 'actions', label: 'Actions', cell: (r) => actionsOf(r.view) });
  const table = new SortTable<Row>({
    id: 'calls',
    sortBy: 'wait',
    descending: true,
    empty: 'No call in progress.',
    rowAttrs: (r) => ({ 'data-call': r.view.call_id }),
    columns,
  });
  root.append(
    // The monitoring bar (current session: switch mode, stop; my sessions) mounts here, see monitor/index.ts.
    h('section', { id: 'monitoring', class: 'monitoring-slot', 'aria-label': 'monitoring' }),
    toast,
    h('section', { class: 'panel' }, h('h2', {}, 'Calls in progress'), table.el),
  );

  const render = () => table.render([...calls.values()]);
  const leave = feed.join({ view: 'calls' }, (snap) => {
    calls.clear();
    for (const c of snap.calls) calls.set(c.call_id, { view: c, at: Date.now() });
    for (const id of actionCells.keys()) if (!calls.has(id)) actionCells.delete(id);
    render();
  });
  const off = feed.on('calls:updated', (d) => {
    for (const c of d.calls) calls.set(c.call_id, { view: c, at: Date.now() });
    for (const id of d.ended) {
      calls.delete(id);
      notes.delete(id);
      actionCells.delete(id);
    }
    render();
  });
  const offNames = names.subscribe(render);
  return () => {
    leave();
    off();
    offNames();
  };
};
