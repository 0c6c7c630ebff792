/**
 * The wallboard's shell: sign-in with a token, the nav (with the engine's clock), the
 * "connection lost" banner, the full-screen TV mode and a hash router over the pages
 * (#/dashboard, #/queue/<id>, #/agents, #/calls, #/alerts, #/reports). Pages start once
 * the feed said who is signed in, so they offer only what the role can do.
 */
import { Api } from './api.js';
import { AlertsStore, chime } from './alerts-store.js';
import { engineNow } from './clock.js';
import { h, fill } from './dom.js';
import { Feed } from './feed.js';
import { Names } from './names.js';
import { can } from './roles.js';
import { startTicking } from './tick.js';
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
const TOKEN_KEY = 'cc-wallboard-token';
const app = document.getElementById('app')!;

function signIn(message = ''): void {
  document.body.classList.remove('signed-in');
  const input = h('input', { id: 'token', type: 'password', placeholder: 'Bearer token', autocomplete: 'current-password', required: true });
  const form = h(
    'form',
    { class: 'signin', onsubmit: (e: Event) => { e.preventDefault(); localStorage.setItem(TOKEN_KEY, input.value.trim()); start(input.value.trim()); } },
    h('h1', {}, 'cc-supervisor'),
    h('label', { for: 'token' }, 'Sign in with your token (the engine prints demo tokens at start)'),
    input,
    h('button', { type: 'submit', id: 'signin' }, 'Sign in'),
    message ? h('p', { class: 'error', id: 'signin-error' }, message) : null,
  );
  fill(app, form);
  input.focus();
}

function start(token: string): void {
  const api = new Api(token);
  const names = new Names(api);
  const feed = new Feed(token, (message) => {
    feed.close();
    localStorage.removeItem(TOKEN_KEY);
    signIn(`Sign-in refused: ${message}`);
  });
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
      h('button', { id: 'signout', onclick: () => { localStorage.removeItem(TOKEN_KEY); location.hash = ''; location.reload(); } }, 'Sign out'),
    ),
  );
  const main = h('main', { id: 'page' }, h('p', { class: 'muted' }, 'Connecting…'));
  document.body.classList.add('signed-in');
  fill(app, h('header', {}, nav, banner), main);

  let user: Ctx['user'] | null = null;
  let leave: () => void = () => {};
  const route = () => {
    if (!user) return;
    const [, name = 'dashboard', param] = /^#\/([a-z]+)\/?(.*)$/.exec(location.hash) ?? [];
    const entry = PAGES[name] ?? PAGES.dashboard!;
    leave();
    nav.querySelectorAll('a').forEach((a) => a.classList.toggle('active', a.dataset.page === (PAGES[name] ? name : 'dashboard')));
    main.replaceChildren();
    document.body.dataset.page = PAGES[name] ? name : 'dashboard';
    if (!entry.ownTitle) main.append(h('h1', { class: 'sr-only', id: 'page-title' }, entry.title));
    const role = user.role;
    const ctx: Ctx = { feed, api, alerts, names, user, can: (action) => can(role, action), param: param ? decodeURIComponent(param) : undefined };
    leave = entry.page(main, ctx);
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
const saved = localStorage.getItem(TOKEN_KEY);
if (saved) start(saved);
else signIn();
