/**
 * One monitoring session in this tab: the session (call control), its browser leg, the
 * bar. It ends when the supervisor stops, when the engine ends the session (the call
 * ended, a manager stopped it: seen by polling the session list), when the connection
 * fails, or when the tab goes away (the leg and the session are deleted on pagehide).
 */
import type { Api } from '../api.js';
import { MonitorBar, type Mode } from './bar.js';
import { openLeg, type BrowserLeg } from './leg.js';
import { hear, type Hearing } from './meter.js';

export interface Session {
  session_id: string;
  call_id: string;
  mode: Mode;
}

const POLL_MS = 2000;

export class Monitoring {
  private leg: BrowserLeg | null = null;
  private hearing: Hearing | null = null;
  private readonly bar: MonitorBar;
  private readonly timers: number[] = [];
  private ended = false;
  private readonly onPageHide = () => this.end(true);

  constructor(
    private readonly api: Api,
    private session: Session,
    private readonly onEnd: () => void,
  ) {
    this.bar = new MonitorBar(session.call_id, { switchMode: (m) => void this.switchMode(m), toggleMute: () => this.toggleMute(), stop: () => void this.stop() });
    this.bar.setMode(session.mode);
    this.bar.setStatus('connecting audio…');
    addEventListener('pagehide', this.onPageHide);
  }

  get sessionId(): string {
    return this.session.session_id;
  }

  async connect(): Promise<void> {
    try {
      this.leg = await openLeg(this.api, this.session.session_id);
    } catch (e) {
      this.bar.setStatus(`no audio: ${(e as Error).message}`);
      return;
    }
    if (this.ended) return this.leg.close();
    this.showMic();
    this.leg.pc.addEventListener('connectionstatechange', () => {
      const s = this.leg?.pc.connectionState;
      if (s === 'connected') this.bar.setStatus('audio connected');
      else if (s === 'failed') this.finish('audio connection lost');
    });
    const stream = await this.leg.remote;
    if (this.ended) return;
    this.hearing = hear(stream);
    this.timers.push(window.setInterval(() => this.hearing && this.bar.setLevel(this.hearing.level()), 100));
    this.timers.push(window.setInterval(() => void this.checkSession(), POLL_MS));
  }

  async switchMode(mode: Mode): Promise<void> {
    if (mode === this.session.mode) return;
    try {
      this.session = await this.api.post<Session>(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { mode }, 'PATCH');
      this.bar.setMode(this.session.mode);
      this.showMic();
      this.bar.setStatus(`now ${mode}`);
    } catch (e) {
      this.bar.setStatus(`${mode}: ${(e as Error).message}`);
    }
  }

  toggleMute(): void {
    const mic = this.leg?.mic;
    if (!mic) return;
    mic.enabled = !mic.enabled;
    this.showMic();
  }

  /** Stop: the leg, then the session (the call goes on). */
  async stop(): Promise<void> {
    this.end(false);
    await this.api.fetch(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { method: 'DELETE' }).catch(() => {});
  }

  private end(unloading: boolean): void {
    if (this.ended) return;
    this.leg?.close();
    // A closed tab also ends the session, so no one is shown monitoring a call nobody hears.
    if (unloading) void this.api.fetch(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { method: 'DELETE', keepalive: true }).catch(() => {});
    this.finish('stopped');
  }

  private finish(why: string): void {
    if (this.ended) {
      this.leg?.close();
      return;
    }
    this.ended = true;
    this.leg?.close();
    this.hearing?.stop();
    for (const t of this.timers) clearInterval(t);
    removeEventListener('pagehide', this.onPageHide);
    this.bar.setStatus(why);
    this.bar.remove();
    this.onEnd();
  }

  private async checkSession(): Promise<void> {
    const list = await this.api.json<{ sessions: Session[] }>('/cc/supervisor/sessions').catch(() => null);
    if (!list) return;
    const mine = list.sessions.find((s) => s.session_id === this.session.session_id);
    if (!mine) return this.finish('the session ended');
    if (mine.mode !== this.session.mode) {
      this.session = mine;
      this.bar.setMode(mine.mode);
      this.showMic();
    }
  }

  private showMic(): void {
    const mic = this.leg?.mic ?? null;
    this.bar.setMic(mic === null ? 'none' : mic.enabled ? 'live' : 'muted', this.session.mode !== 'listen');
  }
}
