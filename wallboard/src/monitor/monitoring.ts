/**
 * One monitoring session in this tab: the session (call control), its browser leg, the
 * bar. `connect()` resolves once the supervisor hears the call (the leg is connected and
 * its track plays) and rejects with the engine's reason when the call has no audio for the
 * session, which is then ended (a takeover is kept: it ends with the call). It ends when the
 * supervisor stops, when the engine ends the session (the call ended, a manager stopped it:
 * seen by polling the session list), when the connection fails, or when the tab goes away
 * (the leg and the session are deleted on pagehide). Every change is told to `report` in
 * the words the bar uses.
 */
import type { Api } from '../api.js';
import { LABEL, MonitorBar, WHO_HEARS, type Mode } from './bar.js';
import { openLeg, type BrowserLeg } from './leg.js';
import { hear, type Hearing } from './meter.js';

export interface Session {
  session_id: string;
  call_id: string;
  mode: Mode;
}

/** The call in people's words: the bar and the page's status name caller and agent, never the id. */
export interface MonitorTarget {
  callId: string;
  caller: string;
  /** The agent's name, or null (a call taken over to an outside line). */
  agent: string | null;
}

const POLL_MS = 2000;
/** How long the audio may take to connect (ICE on loopback is instant; a loaded machine is not). */
const CONNECT_MS = 15_000;

export class Monitoring {
  private leg: BrowserLeg | null = null;
  private hearing: Hearing | null = null;
  private readonly bar: MonitorBar;
  private readonly timers: number[] = [];
  private ended = false;
  private readonly onPageHide = () => this.end(true);
  private readonly who: string;

  constructor(
    private readonly api: Api,
    private session: Session,
    private readonly target: MonitorTarget,
    private readonly report: (text: string) => void,
    private readonly onEnd: () => void,
  ) {
    this.who = `the call from ${target.caller}${target.agent ? ` with ${target.agent}` : ''}`;
    this.bar = new MonitorBar(session.call_id, this.who, { switchMode: (m) => void this.switchMode(m), toggleMute: () => this.toggleMute(), stop: () => void this.stop() });
    this.bar.setMode(session.mode);
    this.bar.setStatus('connecting audio…');
    addEventListener('pagehide', this.onPageHide);
  }

  get sessionId(): string {
    return this.session.session_id;
  }

  /** Resolves once the call is heard here; rejects with why not (the session is then ended). */
  async connect(): Promise<void> {
    try {
      this.leg = await openLeg(this.api, this.session.session_id);
      if (this.ended) throw new Error('monitoring was stopped while the audio connected');
      this.showMic();
      const leg = this.leg;
      const connected = new Promise<void>((resolve, reject) => {
        const check = () => {
          const s = leg.pc.connectionState;
          if (s === 'connected') resolve();
          else if (s === 'failed' || s === 'closed') reject(new Error(`the audio connection ${s}`));
        };
        leg.pc.addEventListener('connectionstatechange', check);
        check();
        setTimeout(() => reject(new Error(`the audio did not connect within ${CONNECT_MS / 1000} s`)), CONNECT_MS);
      });
      const stream = await Promise.race([leg.remote, connected.then(() => leg.remote)]);
      await connected;
      if (this.ended) throw new Error('monitoring was stopped while the audio connected');
      this.hearing = hear(stream);
    } catch (e) {
      const why = `no audio: ${(e as Error).message}`;
      if (this.session.mode === 'takeover') {
        // A takeover cannot be stopped (the agent has left): it stays, without sound here.
        this.bar.setStatus(why);
        this.report(`You took over ${this.who}, but this browser has ${why}`);
        throw new Error(`${why} (the takeover stands: the call is yours)`);
      }
      await this.stop(why);
      throw new Error(`${why}; monitoring stopped`);
    }
    this.bar.setStatus('audio connected');
    this.leg.pc.addEventListener('connectionstatechange', () => {
      if (this.leg?.pc.connectionState === 'failed') {
        this.report(`Monitoring of ${this.who} stopped: the audio connection was lost`);
        void this.stop('audio connection lost');
      }
    });
    this.timers.push(window.setInterval(() => this.hearing && this.bar.setLevel(this.hearing.level()), 100));
    this.timers.push(window.setInterval(() => void this.checkSession(), POLL_MS));
  }

  async switchMode(mode: Mode): Promise<void> {
    if (mode === this.session.mode) return;
    this.bar.setStatus(`switching to ${LABEL[mode].button.toLowerCase()}…`);
    try {
      this.session = await this.api.post<Session>(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { mode }, 'PATCH');
      this.bar.setMode(this.session.mode);
      this.showMic();
      this.bar.setStatus('audio connected');
      this.report(`${LABEL[this.session.mode].doing} ${this.who}: ${WHO_HEARS[this.session.mode]}`);
    } catch (e) {
      this.bar.setStatus(`${LABEL[mode].button} refused: ${(e as Error).message}`);
      this.report(`${LABEL[mode].button} refused: ${(e as Error).message} (still ${LABEL[this.session.mode].button.toLowerCase()})`);
    }
  }

  toggleMute(): void {
    const mic = this.leg?.mic;
    if (!mic) return;
    mic.enabled = !mic.enabled;
    this.showMic();
  }

  /** Stop: the leg, then the session (the call goes on). */
  async stop(why = 'stopped'): Promise<void> {
    const first = !this.ended;
    this.end(false, why);
    await this.api.fetch(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { method: 'DELETE' }).catch(() => {});
    if (first && why === 'stopped') this.report(`Stopped monitoring ${this.who}`);
  }

  private end(unloading: boolean, why = 'stopped'): void {
    if (this.ended) return;
    this.leg?.close();
    // A closed tab also ends the session, so no one is shown monitoring a call nobody hears.
    if (unloading) void this.api.fetch(`/cc/supervisor/sessions/${encodeURIComponent(this.session.session_id)}`, { method: 'DELETE', keepalive: true }).catch(() => {});
    this.finish(why);
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
    if (!list || this.ended) return;
    const mine = list.sessions.find((s) => s.session_id === this.session.session_id);
    if (!mine) {
      this.report(`Monitoring of ${this.who} ended (the call ended, or a manager stopped it)`);
      return this.finish('the session ended');
    }
    if (mine.mode !== this.session.mode) {
      this.session = mine;
      this.bar.setMode(mine.mode);
      this.showMic();
      this.report(`${LABEL[mine.mode].doing} ${this.who}: ${WHO_HEARS[mine.mode]}`);
    }
  }

  private showMic(): void {
    const mic = this.leg?.mic ?? null;
    this.bar.setMic(mic === null ? 'none' : mic.enabled ? 'live' : 'muted', this.session.mode !== 'listen');
  }
}
