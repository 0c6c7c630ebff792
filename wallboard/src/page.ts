/** What a page gets and returns: it fills `root`, and gives back its cleanup (leave views, stop timers). */
import type { Api } from './api.js';
import type { AlertsStore } from './alerts-store.js';
import type { Feed } from './feed.js';

export interface Ctx {
  feed: Feed;
  api: Api;
  alerts: AlertsStore;
  /** The part of the hash after the page name (a queue id). */
  param: string | undefined;
}

export type Page = (root: HTMLElement, ctx: Ctx) => () => void;
