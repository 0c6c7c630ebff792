/**
 * The wallboard's shell: sign-in (the company's identity provider, or a token), the nav
 * (with the engine's clock), the "connection lost" banner, the full-screen TV mode and a
 * hash router over the pages (#/dashboard, #/queue/<id>, #/agents, #/calls, #/alerts,
 * #/reports). The page keeps no token: the engine holds the session behind an HttpOnly
 * cookie, and the page holds only the session's CSRF token, in memory. Pages start once
 * the feed said who is signed in, so they offer only what the role can do.
 */
import { Api, SIGNED_OUT_EVENT } from './api.js';
import { AlertsStore, chime } from './alerts-store.js';
import { engineNow } from './clock.js';
import { h, fill } from './dom.js';
import { Feed } from './feed.js';
import { Names } from './names.js';
import { can } from './roles.js';
import { startTicking } from './tick.js';
import { freeze, pastFeed, REWINDABLE, rewindControl } from './rewind.js';
import type { Ctx, Page } from './page.js';
import { dashboardPage } from './pages/dashboard.js';
import { queuePage } from './pages/queue.js';
import { agentsPage } from './pages/agents.js';
import { callsPage } from './pages/calls.js';
import { alertsPage } from './pages/alerts.js';
import { reportsPage } from './pages/reports.js';

/** `ownTitle`: the page shows its own h1 (a queue's name); the others get one for screen readers, the nav naming them already. */
const PAGES: Record<string, { title: string; page: Page; nav: boolean; ownTitle?: boolean }> = {
  dashboard: { title: 'Dashboard', page: dashboardPage, nav: true },
  queue: { title: 'Queue', page: queuePage, nav: false, ownTitle: true },
  agents: { title: 'Agents', page: agentsPage, nav: true },
  calls: { title: 'Calls', page: callsPage, nav: true },
  alerts: { title: 'Alerts', page: alertsPage, nav: true },
  reports: { title: 'Reports', page: reportsPage, nav: true },
};
const app = document.getElementById('app')!;

/** GET /auth/session: who this browser is, or how it may sign in. */
interface SessionInfo {
  signed_in: boolean;
  kind?: 'oidc' | 'token' | 'display';
  user?: { name: string; role: string; queues: string[] | null };
  csrf?: string;
  reason?: string;
  methods: { oidc: { issuer: string; ready: boolean; reason?: string } | null; token: boolean };
  limits: { idle_timeout_s: number; absolute_timeout_s: number };
}

const hours = (s: number) => (s % 86_400 === 0 ? `${s / 86_400} day${s === 86_400 ? '' : 's'}` : s % 3600 === 0 ? `${s / 3600} hour${s === 3600 ? '' : 's'}` : `${Math.round(s / 60)} minutes`);

/** Why the last session ended, carried over the reload that clears its page (a sentence, never a secret). */
const MESSAGE_KEY = 'cc-signin-message';

async function boot(): Promise<void> {
  // Left by wallboards before sessions: the page keeps no token any more.
  localStorage.removeItem('cc-wallboard-token');
  const message = sessionStorage.getItem(MESSAGE_KEY) ?? '';
  sessionStorage.removeItem(MESSAGE_KEY);
  const info = (await (await fetch('/auth/session', { credentials: 'same-origin' })).json()) as SessionInfo;
  if (info.signed_in && info.csrf) start(info);
  else signIn(info, message || (info.reason ? `Signed out: ${info.reason}` : ''));
}

function signIn(info: SessionInfo, message = ''): void {
  document.body.classList.remove('signed-in');
  const input = h('input', { id: 'token', type: 'password', placeholder: 'Token', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', id: 'signin-error', role: 'alert', hidden: !message }, message);
  const submit = async (e: Event) => {
    e.preventDefault();
    const res = await fetch('/auth/token', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: input.value.trim() }) });
    const body = (await res.json().catch(() => null)) as (SessionInfo & { detail?: string }) | null;
    if (res.ok && body?.signed_in) return start(body);
    error.hidden = false;
    error.textContent = `Sign-in refused: ${body?.detail ?? res.statusText}`;
  };
  const oidc = info.methods.oidc;
  const back = () => encodeURIComponent(location.search + location.hash);
  const limits = info.limits;
  fill(
    app,
    h(
      'main',
      { class: 'signin' },
      h('h1', {}, 'cc-supervisor'),
      // Back to the view open at the click (the hash may have changed since the page was drawn).
      oidc ? h('a', { class: 'button primary', id: 'signin-oidc', href: `/auth/login?back=${back()}`, onclick: (e: Event) => ((e.currentTarget as HTMLAnchorElement).href = `/auth/login?back=${back()}`) }, 'Sign in with your company account') : null,
      oidc && !oidc.ready ? h('p', { class: 'muted', id: 'provider-status' }, `${oidc.reason ?? 'The identity provider does not answer yet'}.`) : null,
      h(
        'form',
        { class: 'token-form', onsubmit: (e: Event) => void submit(e) },
        h('label', { for: 'token' }, oidc ? 'Or sign in with a token (automation, the demo)' : 'Sign in with your token (the engine prints demo tokens at start)'),
        input,
        h('button', { type: 'submit', id: 'signin' }, 'Sign in'),
      ),
      error,
      h(
        'section',
        { id: 'stay-signed-in', 'aria-label': 'staying signed in' },
        h('h2', {}, 'Staying signed in'),
        h('p', {}, `This browser stays signed in while you use it: a session ends after ${hours(limits.idle_timeout_s)} without use or ${hours(limits.absolute_timeout_s)} after sign-in${oidc ? ', or sooner when your company account is signed out or loses its access' : ''}. Restarting the engine signs no one out.`),
        h('p', {}, 'A screen on the wall: ask an admin for a display link. Opening it once signs the screen in as a read-only viewer that stays signed in, through restarts, until the admin revokes the link.'),
      ),
    ),
  );
  input.focus();
}

function start(session: SessionInfo): void {
  const api = new Api(session.csrf!);
  const names = new Names(api);
  let over = false;
  // The page starts afresh (timers, listeners, the feed) on the sign-in page, saying why.
  const signedOut = (message: string) => {
    if (over) return;
    over = true;
    feed.close();
    sessionStorage.setItem(MESSAGE_KEY, `Signed out: ${message}`);
    location.reload();
  };
  const feed = new Feed(signedOut);
  window.addEventListener(SIGNED_OUT_EVENT, (e) => signedOut((e as CustomEvent<string>).detail));
  const signOut = async () => {
    over = true;
    feed.close();
    const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': session.csrf! } });
    const body = (await res.json().catch(() => null)) as { provider_logout_url?: string | null } | null;
    // Signed out here; then at the provider too, when it offers it (RP-initiated logout), which sends the browser back.
    if (body?.provider_logout_url) location.assign(body.provider_logout_url);
    else {
      location.hash = '';
      location.reload();
    }
  };
  const badge = h('span', { class: 'badge', id: 'alert-badge' });
  const alerts = new AlertsStore(feed, () => {
    chime();
    badge.classList.remove('flash');
    void badge.offsetWidth; // restarts the CSS animation
    badge.classList.add('flash');
  });
  const showBadge = () => { badge.textContent = alerts.firing > 0 ? String(alerts.firing) : ''; };
  alerts.subscribe(showBadge);

  const who = h('span', { class: 'who', id: 'who' });
  const clock = h('time', { class: 'clock', id: 'clock' });
  const banner = h('div', { id: 'banner', class: 'banner', hidden: true });
  const nav = h(
    'nav',
    { 'aria-label': 'views' },
    h('span', { class: 'links' }, ...Object.entries(PAGES).filter(([, p]) => p.nav).map(([k, p]) => h('a', { href: `#/${k}`, 'data-page': k }, p.title, k === 'alerts' ? badge : null))),
    h('span', { class: 'spacer' }),
    clock,
    who,
    h('span', { class: 'tools' },
      h('button', { id: 'tv', title: 'Full-screen wallboard for a TV', onclick: () => toggleTv() }, 'TV mode'),
      h('button', { id: 'signout', onclick: () => void signOut() }, 'Sign out'),
    ),
  );
  const main = h('main', { id: 'page' }, h('p', { class: 'muted' }, 'Connecting…'));
  document.body.classList.add('signed-in');
  fill(app, h('header', {}, nav, banner), main);

  let user: Ctx['user'] | null = null;
  let leave: () => void = () => {};
  // Rewind: the instant the rewindable pages show, or null (live). Kept across those pages.
  let pastAt: string | null = null;
  const rewind = rewindControl(engineNow, (at) => {
    pastAt = at;
    route();
  });
  const route = () => {
    if (!user) return;
    const [, name = 'dashboard', param] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
    const entry = PAGES[name] ?? PAGES.dashboard!;
    leave();
    nav.querySelectorAll('a').forEach((a) => a.classList.toggle('active', a.dataset.page === (PAGES[name] ? name : 'dashboard')));
    main.replaceChildren();
    const page = PAGES[name] ? name : 'dashboard';
    document.body.dataset.page = page;
    if (!entry.ownTitle) main.append(h('h1', { class: 'sr-only', id: 'page-title' }, entry.title));
    const role = user.role;
    // Leaving the rewindable pages goes back to live: elsewhere there is no past to show.
    if (!REWINDABLE.has(page)) pastAt = null;
    const at = pastAt;
    document.body.classList.toggle('past', at !== null);
    if (REWINDABLE.has(page)) main.append(rewind.el(at));
    const pageFeed = at === null ? feed : pastFeed(feed, api, at, (iso) => rewind.asOf(iso), (m) => rewind.failed(m));
    // The past is read-only: nothing is offered, and whatever acts stays disabled.
    const ctx: Ctx = { feed: pageFeed, api, alerts, names, user, can: (action) => at === null && can(role, action), param: param ? decodeURIComponent(param) : undefined, at };
    const unfreeze = at === null ? () => {} : freeze(main);
    const leavePage = entry.page(main, ctx);
    leave = () => {
      unfreeze();
      leavePage();
    };
    document.title = `${entry.title} · cc-supervisor`;
  };
  feed.on('session:ready', (s) => {
    who.textContent = `${s.user.name} · ${s.user.role}`;
    const first = user === null;
    user = s.user;
    // For parts that are not pages (the monitoring bar): styles.css hides what the role cannot use.
    document.body.dataset.role = s.user.role;
    if (first) void names.load().finally(route);
  });
  window.addEventListener('hashchange', route);
  // TV mode lays the page out anew (larger charts and type): the page is drawn again.
  window.addEventListener('cc:tv', route);
  startTicking();
  setInterval(() => void names.load(), 60_000);

  const tick = () => {
    const now = new Date(engineNow());
    clock.dateTime = now.toISOString();
    clock.textContent = now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  };
  tick();
  setInterval(tick, 1000);
  // The handshake tells the engine's time: show it at once, not at the next second.
  feed.on('session:ready', tick);

  // The banner: the socket is down, or up but silent (the server pulses every second).
  setInterval(() => {
    const age = feed.lastHeard === null ? null : Math.round((Date.now() - feed.lastHeard) / 1000);
    const ageText = age === null ? 'no data yet' : `data is ${age} s old`;
    const text = !feed.connected ? `Connection lost, reconnecting… ${ageText}` : age !== null && age >= 3 ? `Feed stalled: ${ageText}` : '';
    banner.hidden = text === '';
    banner.textContent = text;
  }, 500);
}

function toggleTv(): void {
  const on = document.body.classList.toggle('tv');
  if (on) void document.documentElement.requestFullscreen?.().catch(() => {});
  else if (document.fullscreenElement) void document.exitFullscreen();
  window.dispatchEvent(new Event('cc:tv'));
}

if (new URLSearchParams(location.search).has('tv')) document.body.classList.add('tv');
void boot();
