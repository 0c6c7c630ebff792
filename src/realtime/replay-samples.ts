/**
 * Samples the all-queues dashboard chart while the log is replayed (the events after the
 * snapshot at start, the demo's day so far): before each event whose time is at least a
 * sample's spacing after the last sample and within the last hour, the figures as they stood
 * just before it. Live, the gateway samples on its own clock instead.
 */
import type { Runner, SlaRuleOf } from '../../processors/index.js';
import type { DashboardHistory } from './history.js';
import { realtimeFor } from './scope.js';

export interface ReplayFeed {
  /** Told each event's time (ISO text) before the runner applies it. */
  beforeEach(listener: (time: string) => void): () => void;
  readonly caughtUp: boolean;
}

export function sampleReplay(o: { feed: ReplayFeed; runner: Runner; history: DashboardHistory; now: () => number; slaRule?: SlaRuleOf }): () => void {
  return o.feed.beforeEach((time) => {
    if (o.feed.caughtUp) return;
    const t = Date.parse(time);
    if (t < o.now() - o.history.spanMs || !o.history.due('*', t)) return;
    o.history.recordReplayed('*', realtimeFor(o.runner, null, t, o.slaRule), t);
  });
}
