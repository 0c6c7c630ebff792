/** What a page gets and returns: it fills `root`, and gives back its cleanup (leave views, stop timers). */
import type { Api } from './api.js';
import type { AlertsStore } from './alerts-store.js';
import type { Feed } from './feed.js';
import type { Names } from './names.js';
import type { Action } from './roles.js';

export interface Ctx {
  feed: Feed;
  api: Api;
  alerts: AlertsStore;
  names: Names;
  /** Who is signed in (the feed's session). */
  user: { name: string; role: string; queues: string[] | null };
  /** Whether the signed-in role may do it: pages offer only what it can. */
  can: (action: Action) => boolean;
  /** The part of the hash after the page name (a queue id). */
  param: string | undefined;
  /** The past instant the page shows (rewind, read-only), or null: live. */
  at: string | null;
}

export type Page = (root: HTMLElement, ctx: Ctx) => () => void;
