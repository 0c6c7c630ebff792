/**
 * Firing and acknowledged alerts, with names instead of ids; acknowledge with a comment
 * (POST /cc/alerts/{id}/acknowledge) when the role may.
 */
import type { AlertItem } from '../../../src/realtime/protocol.js';
import { h } from '../dom.js';
import { alertText } from '../alert-text.js';
import { stateLabel, time } from '../format.js';
import type { Page } from '../page.js';
import { helpPanel } from '../help-panel.js';
import { SortTable } from '../table.js';

const ORDER: Record<AlertItem['state'], number> = { firing: 0, acknowledged: 1, resolved: 2 };

export const alertsPage: Page = (root, { alerts, api, names, can }) => {
  const note = h('p', { class: 'muted' });
  const acknowledge = (a: AlertItem, comment: string, button: HTMLButtonElement) => {
    button.disabled = true;
    api.post(`/cc/alerts/${encodeURIComponent(a.alert_id)}/acknowledge`, comment ? { comment } : {}).catch((e: Error) => {
      button.disabled = false;
      note.textContent = `Could not acknowledge: ${e.message}`;
    });
  };
  const joinHelp = (a: AlertItem, button: HTMLButtonElement) => {
    button.disabled = true;
    api
      .json<{ help_requests: Array<{ help_id: string; call_id: string }> }>('/cc/help-requests')
      .then((r) => {
        const help = r.help_requests.find((x) => x.call_id === a.call_id);
        if (!help) throw new Error('the request has ended');
        return api.post(`/cc/help-requests/${encodeURIComponent(help.help_id)}/join`, { mode: 'whisper' });
      })
      .then(() => {
        note.textContent = `Whispering on the call of ${a.detail ?? 'the agent'}: open the call to hear it.`;
      })
      .catch((e: Error) => {
        button.disabled = false;
        note.textContent = `Could not join: ${e.message}`;
      });
  };
  // Inputs outlive re-renders: a comment being typed survives other alerts changing.
  const comments = new Map<string, HTMLInputElement>();
  const table = new SortTable<AlertItem>({
    id: 'alerts',
    empty: 'No alert: every queue is within its limits.',
    rowAttrs: (a) => ({ 'data-alert': a.alert_id, class: `alert ${a.state}` }),
    columns: [
      { key: 'state', label: 'State', sort: (a) => ORDER[a.state], cell: (a) => h('span', { class: `state ${a.state}` }, stateLabel(a.state)) },
      { key: 'alert', label: 'Alert', sort: (a) => a.type, cell: (a) => alertText(a, names) },
      { key: 'queue', label: 'Queue', sort: (a) => names.queue(a.queue), cell: (a) => names.queue(a.queue) },
      { key: 'since', label: 'Since', sort: (a) => a.started_at, cell: (a) => time(a.started_at) },
      { key: 'ack', label: 'Acknowledged', cell: (a) => (a.acknowledged_by ? `${a.acknowledged_by}${a.comment ? `: ${a.comment}` : ''}` : '—') },
      ...(can('acknowledge')
        ? [
            {
              key: 'actions',
              label: 'Actions',
              cell: (a: AlertItem) => {
                if (a.state !== 'firing') return null;
                const comment = comments.get(a.alert_id) ?? h('input', { placeholder: 'comment', class: 'note', 'aria-label': `comment on: ${alertText(a, names)}` });
                comments.set(a.alert_id, comment);
                const button = h('button', {}, 'Acknowledge');
                button.addEventListener('click', () => acknowledge(a, comment.value.trim(), button));
                // An agent's call for help: one click whispers on its call (the agent hears you, the caller does not).
                if (a.type === 'help_requested' && can('monitor')) {
                  const whisper = h('button', { class: 'primary', 'data-help-join': a.call_id ?? '' }, 'Whisper');
                  whisper.addEventListener('click', () => joinHelp(a, whisper));
                  return h('div', { class: 'actions' }, whisper, comment, button);
                }
                return h('div', { class: 'actions' }, comment, button);
              },
            },
          ]
        : []),
    ],
  });
  const help = can('monitor') ? helpPanel(api, alerts, names) : null;
  root.append(...(help ? [help.el] : []), h('section', { class: 'panel' }, h('h2', {}, 'Alerts'), note, table.el));
  const render = () => {
    note.textContent = alerts.available ? '' : `Alerts are not available: ${alerts.error}`;
    table.render([...alerts.byId.values()].sort((a, b) => ORDER[a.state] - ORDER[b.state] || b.started_at.localeCompare(a.started_at)));
  };
  render();
  const offNames = names.subscribe(render);
  const off = alerts.subscribe(render);
  return () => {
    help?.stop();
    off();
    offNames();
  };
};
