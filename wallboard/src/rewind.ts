/**
 * Rewind: the dashboard, a queue and the agents as they were at a past instant
 * (`?at=` on GET /cc/realtime, /cc/queue-detail and /cc/agents, rebuilt by the engine from
 * the event log; docs/wallboard.md, Rewind). The page is the same page: it gets a feed whose
 * views come once from the API at that instant and never move, and no action is offered or
 * enabled. A banner says it is the past, with one click back to live.
 */
import type { Snapshots, ViewRequest } from '../../src/realtime/protocol.js';
import type { Api } from './api.js';
import { fill, h } from './dom.js';
import type { Feed } from './feed.js';
import { time } from './format.js';

/** The pages that can be rewound. */
export const REWINDABLE = new Set(['dashboard', 'queue', 'agents']);

/** The instant the view was answered at (the CC-As-Of header), or what the request asked. */
type AsOf = (iso: string) => void;

/** The views of `at`, one answer each; live events never reach the page. */
export function pastFeed(live: Feed, api: Api, at: string, asOf: AsOf, failed: (message: string) => void): Feed {
  const q = `at=${encodeURIComponent(at)}`;
  const get = async <T>(path: string): Promise<T> => {
    const res = await api.fetch(path);
    asOf(res.headers.get('cc-as-of') ?? at);
    return (await res.json()) as T;
  };
  const load = async (r: ViewRequest): Promise<unknown> => {
    switch (r.view) {
      case 'dashboard':
        // The staffing hint and the live chart's last hour are of now: the past shows neither.
        return { realtime: await get<Snapshots['dashboard']['realtime']>(`/cc/realtime?${q}`), staffing: [], history: [] } satisfies Snapshots['dashboard'];
      case 'queue':
        return get<Snapshots['queue']>(`/cc/queue-detail?queue=${encodeURIComponent(r.queue)}&${q}`);
      case 'agents':
        return get<Snapshots['agents']>(`/cc/agents?${q}`);
      default:
        throw new Error(`the ${r.view} view cannot be rewound`);
    }
  };
  const past = {
    socket: live.socket,
    lastHeard: live.lastHeard,
    connected: live.connected,
    join(request: ViewRequest, onSnapshot: (data: never) => void, onError: (message: string) => void = () => {}) {
      let left = false;
      load(request).then(
        (data) => left || onSnapshot(data as never),
        (e: Error) => {
          if (left) return;
          failed(e.message);
          onError(e.message);
        },
      );
      return () => void (left = true);
    },
    on: () => () => {},
    close: () => {},
  };
  return past as unknown as Feed;
}

/** `YYYY-MM-DDTHH:MM:SS` in the browser's zone, as a datetime-local input wants it. */
function localInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * The control (a time picker and "Rewind") and, while in the past, the banner. `go(at)`
 * switches the views (null: live).
 */
export function rewindControl(now: () => number, go: (at: string | null) => void) {
  const input = h('input', { type: 'datetime-local', step: 1, id: 'rewind-at', 'aria-label': 'Rewind to' });
  const problem = h('span', { class: 'error', id: 'rewind-error' });
  const form = h('form', { class: 'rewind', id: 'rewind' }, h('label', { for: 'rewind-at' }, 'Rewind to'), input, h('button', { type: 'submit', id: 'rewind-go' }, 'Rewind'), problem);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const ms = new Date(input.value).getTime();
    if (!input.value || !Number.isFinite(ms)) return void (problem.textContent = 'Pick a date and time.');
    if (ms >= now()) return void (problem.textContent = 'Pick an instant in the past.');
    problem.textContent = '';
    go(new Date(ms).toISOString());
  });
  const live = h('button', { type: 'button', id: 'rewind-live' }, 'Back to live');
  live.addEventListener('click', () => go(null));
  const text = h('span', { id: 'rewind-text' });
  const banner = h('div', { class: 'rewind-banner', id: 'rewind-banner', role: 'status' }, text, live, problem);
  return {
    /** What to put above the page: the banner in the past, the control live. */
    el(at: string | null): HTMLElement {
      if (at === null) {
        input.value = localInput(now() - 10 * 60_000);
        return form;
      }
      problem.textContent = '';
      fill(text, `Viewing the past: ${time(at)} — read-only`);
      return banner;
    },
    /** The engine's answer names the instant it rebuilt (the banner follows it). */
    asOf(iso: string) {
      fill(text, `Viewing the past: ${time(iso)} — read-only`);
    },
    failed(message: string) {
      problem.textContent = `Cannot rewind: ${message}`;
    },
  };
}

/** While in the past, every control that acts (buttons outside the rewind banner, notes) stays disabled. */
export function freeze(root: HTMLElement): () => void {
  const apply = () =>
    root.querySelectorAll<HTMLButtonElement | HTMLInputElement>('.actions button, .actions input, button[data-join], button[data-help-join]').forEach((b) => {
      b.disabled = true;
    });
  apply();
  const o = new MutationObserver(apply);
  o.observe(root, { childList: true, subtree: true });
  return () => o.disconnect();
}
