/** Firing and acknowledged alerts; acknowledge with a comment (POST /cc/alerts/{id}/acknowledge). */
import type { AlertItem } from '../../../src/realtime/protocol.js';
import { fill, h } from '../dom.js';
import { time } from '../format.js';
import type { Page } from '../page.js';

const ORDER: Record<AlertItem['state'], number> = { firing: 0, acknowledged: 1, resolved: 2 };

export const alertsPage: Page = (root, { alerts, api }) => {
  const list = h('table', { id: 'alerts' });
  const note = h('p', { class: 'muted' });
  root.append(h('section', { class: 'panel' }, h('h2', {}, 'Alerts'), note, list));
  const acknowledge = (a: AlertItem, comment: string, button: HTMLButtonElement) => {
    button.disabled = true;
    api.post(`/cc/alerts/${encodeURIComponent(a.alert_id)}/acknowledge`, comment ? { comment } : {}).catch((e: Error) => {
      button.disabled = false;
      note.textContent = `Could not acknowledge: ${e.message}`;
    });
  };
  // Inputs outlive re-renders: a comment being typed survives other alerts changing.
  const comments = new Map<string, HTMLInputElement>();
  const render = () => {
    note.textContent = alerts.available ? '' : `Alerts are not available: ${alerts.error}`;
    const rows = [...alerts.byId.values()].sort((a, b) => ORDER[a.state] - ORDER[b.state] || b.started_at.localeCompare(a.started_at));
    fill(
      list,
      h('thead', {}, h('tr', {}, ...['State', 'Alert', 'Queue', 'Since', 'Acknowledged', ''].map((c) => h('th', {}, c)))),
      h(
        'tbody',
        {},
        ...(rows.length === 0 ? [h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No alert'))] : []),
        ...rows.map((a) => {
          const comment = comments.get(a.alert_id) ?? h('input', { placeholder: 'comment', class: 'note', 'aria-label': `comment for ${a.alert_id}` });
          comments.set(a.alert_id, comment);
          const button = h('button', {}, 'Acknowledge');
          button.addEventListener('click', () => acknowledge(a, comment.value.trim(), button));
          return h(
            'tr',
            { 'data-alert': a.alert_id, class: `alert ${a.state}` },
            h('td', {}, h('span', { class: `state ${a.state}` }, a.state)),
            h('td', {}, a.message),
            h('td', {}, a.queue ?? '—'),
            h('td', {}, time(a.started_at)),
            h('td', {}, a.acknowledged_by ? `${a.acknowledged_by}${a.comment ? `: ${a.comment}` : ''}` : '—'),
            h('td', {}, a.state === 'firing' ? h('div', { class: 'actions' }, comment, button) : null),
          );
        }),
      ),
    );
  };
  render();
  return alerts.subscribe(render);
};
