/**
 * Monitoring sessions, folded from the log's monitor.* events (never written by the API
 * directly), so a restart rebuilds them by replay like every other view.
 */
import type { CallEvent, MonitorMode } from '../domain/index.js';

export interface SupervisorSession {
  session_id: string;
  call_id: string;
  supervisor: string;
  mode: MonitorMode;
  started: string;
}

/** The book as plain JSON (snapshots): sessions in progress and cut ones, in order. */
export interface SessionBookJson {
  live: SupervisorSession[];
  cut: SupervisorSession[];
}

export class SessionBook {
  private readonly byId = new Map<string, SupervisorSession>();
  /** Sessions a call's end cut whose monitor.ended is not in the log yet. */
  readonly cut = new Map<string, SupervisorSession>();

  snapshot(): SessionBookJson {
    return { live: this.all(), cut: [...this.cut.values()].map((s) => ({ ...s })) };
  }

  /** Replaces the book with a snapshot's (before the log after it is folded). */
  restore(j: SessionBookJson): void {
    this.byId.clear();
    this.cut.clear();
    for (const s of j.live) this.byId.set(s.session_id, { ...s });
    for (const s of j.cut) this.cut.set(s.session_id, { ...s });
  }

  /** Folds one event; returns the sessions a call's end cut (their monitor.ended is still due). */
  apply(e: CallEvent): SupervisorSession[] {
    switch (e.type) {
      case 'monitor.started':
        this.byId.set(e.session_id, { session_id: e.session_id, call_id: e.call_id, supervisor: e.supervisor, mode: e.mode, started: e.time });
        return [];
      case 'monitor.mode_changed': {
        const s = this.byId.get(e.session_id);
        if (s) s.mode = e.mode;
        return [];
      }
      case 'monitor.ended':
        this.byId.delete(e.session_id);
        this.cut.delete(e.session_id);
        return [];
      case 'call.ended': {
        const cut = this.onCall(e.call_id);
        for (const s of cut) {
          this.byId.delete(s.session_id);
          this.cut.set(s.session_id, s);
        }
        return cut;
      }
      default:
        return [];
    }
  }

  get(id: string): SupervisorSession | undefined {
    return this.byId.get(id);
  }

  onCall(call: string): SupervisorSession[] {
    return [...this.byId.values()].filter((s) => s.call_id === call);
  }

  all(): SupervisorSession[] {
    return [...this.byId.values()].map((s) => ({ ...s }));
  }
}
