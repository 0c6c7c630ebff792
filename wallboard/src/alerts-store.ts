/**
 * Alerts for the whole page: the nav badge counts firing ones, a new one flashes the badge
 * and beeps (a supervisor across the room may not be looking), and the alerts page lists them.
 */
import type { AlertItem } from '../../src/realtime/protocol.js';
import type { Feed } from './feed.js';

export class AlertsStore {
  readonly byId = new Map<string, AlertItem>();
  available = true;
  error = '';
  private readonly listeners = new Set<() => void>();

  constructor(feed: Feed, onNew: (a: AlertItem) => void) {
    feed.join(
      { view: 'alerts' },
      (snap) => {
        this.available = true;
        this.byId.clear();
        for (const a of snap.alerts) this.byId.set(a.alert_id, a);
        this.changed();
      },
      (message) => {
        this.available = false;
        this.error = message;
        this.changed();
      },
    );
    feed.on('alert:fired', (a) => {
      this.byId.set(a.alert_id, a);
      onNew(a);
      this.changed();
    });
    feed.on('alert:updated', (a) => {
      this.byId.set(a.alert_id, a);
      this.changed();
    });
  }

  get firing(): number {
    return [...this.byId.values()].filter((a) => a.state === 'firing').length;
  }

  /** Alerts still holding (firing or acknowledged), newest first. */
  live(): AlertItem[] {
    return [...this.byId.values()].filter((a) => a.state !== 'resolved').sort((a, b) => b.started_at.localeCompare(a.started_at));
  }

  /** A queue's worst alert state now: `firing` outranks `acknowledged`; null when none holds. */
  queueState(queue: string): 'firing' | 'acknowledged' | null {
    let out: 'firing' | 'acknowledged' | null = null;
    for (const a of this.byId.values()) {
      if (a.queue !== queue || a.state === 'resolved') continue;
      if (a.state === 'firing') return 'firing';
      out = 'acknowledged';
    }
    return out;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** A short two-tone chime; browsers allow it once the user has interacted with the page. */
export function chime(): void {
  try {
    const ctx = new AudioContext();
    for (const [i, f] of [880, 660].entries()) {
      const o = ctx.createOscillator();
      const g = ctx.createGain();
      o.frequency.value = f;
      g.gain.value = 0.08;
      o.connect(g).connect(ctx.destination);
      o.start(ctx.currentTime + i * 0.18);
      o.stop(ctx.currentTime + i * 0.18 + 0.15);
    }
  } catch {
    // No audio device: the visual cue is enough.
  }
}
