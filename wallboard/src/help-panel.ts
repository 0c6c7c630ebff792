/**
 * Open help requests (GET /cc/help-requests, scoped by the API to the supervisor's queues),
 * each with one-click Listen and Whisper (POST /cc/help-requests/{id}/join): joining
 * answers the request, so it leaves the list. Refreshed when a help alert changes and every
 * few seconds (a request also ends when the agent cancels or the call ends).
 */
import type { AlertsStore } from './alerts-store.js';
import type { Api } from './api.js';
import { fill, h } from './dom.js';
import { time } from './format.js';
import type { Names } from './names.js';

interface HelpRequest {
  help_id: string;
  call_id: string;
  agent: string;
  queue: string | null;
  via: 'api' | 'phone';
  requested_at: string;
}
type Mode = 'listen' | 'whisper';

const POLL_MS = 5_000;
const MODE_TEXT: Record<Mode, string> = { listen: 'Listening', whisper: 'Whispering (the agent hears you, the caller does not)' };

export function helpPanel(api: Api, alerts: AlertsStore, names: Names, opts: { readOnly?: () => boolean } = {}) {
  const list = h('ul', { class: 'help-requests', id: 'help-requests' });
  const note = h('p', { class: 'muted', id: 'help-note' });
  const el = h('section', { class: 'panel help', id: 'help-panel' }, h('h2', {}, 'Help requests'), note, list);
  let requests: HelpRequest[] = [];
  let stopped = false;
  let failed = '';

  const join = (r: HelpRequest, mode: Mode, button: HTMLButtonElement) => {
    button.disabled = true;
    api
      .post<{ session: { session_id?: string } }>(`/cc/help-requests/${encodeURIComponent(r.help_id)}/join`, { mode })
      .then(() => {
        note.textContent = `${MODE_TEXT[mode]} on ${names.agent(r.agent)}'s call: open Calls to hear it.`;
        void load();
      })
      .catch((e: Error) => {
        button.disabled = false;
        note.textContent = `Could not join: ${e.message}`;
      });
  };
  const render = () => {
    if (failed) return fill(list, h('li', { class: 'error' }, `Help requests are not available: ${failed}`));
    if (requests.length === 0) return fill(list, h('li', { class: 'muted empty' }, 'No agent is asking for help.'));
    const ro = opts.readOnly?.() ?? false;
    fill(
      list,
      ...requests.map((r) =>
        h(
          'li',
          { 'data-help': r.help_id, 'data-call': r.call_id },
          h('strong', {}, names.agent(r.agent)),
          ` asks for help${r.queue ? ` on a ${names.queue(r.queue)} call` : ''} since ${time(r.requested_at)}${r.via === 'phone' ? ' (from the phone)' : ''} `,
          h('span', { class: 'actions' }, ...(['listen', 'whisper'] as const).map((mode) => {
            const b = h('button', { type: 'button', class: mode === 'whisper' ? 'primary' : '', 'data-join': mode, disabled: ro }, mode === 'listen' ? 'Listen' : 'Whisper');
            b.addEventListener('click', () => join(r, mode, b));
            return b;
          })),
        ),
      ),
    );
  };
  const load = async () => {
    try {
      requests = (await api.json<{ help_requests: HelpRequest[] }>('/cc/help-requests')).help_requests;
      failed = '';
    } catch (e) {
      failed = (e as Error).message;
    }
    if (!stopped) render();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = () => {
    void load().finally(() => {
      if (!stopped) timer = setTimeout(loop, POLL_MS);
    });
  };
  loop();
  let seen = '';
  const offAlerts = alerts.subscribe(() => {
    // Only help alerts change the list: reload when theirs change, not on every alert.
    const key = [...alerts.byId.values()].filter((a) => a.type === 'help_requested').map((a) => `${a.alert_id}:${a.state}`).join();
    if (key !== seen) {
      seen = key;
      void load();
    }
  });
  const offNames = names.subscribe(render);
  return {
    el,
    render,
    stop() {
      stopped = true;
      clearTimeout(timer);
      offAlerts();
      offNames();
    },
  };
}
