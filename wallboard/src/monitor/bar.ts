/**
 * The monitoring bar, fixed at the bottom of every page while a supervisor monitors a
 * call: which call, which mode (and who hears the supervisor in it), a level meter of
 * what the supervisor hears, the microphone's state, buttons to switch mode, mute and stop.
 */
import { h } from '../dom.js';

export type Mode = 'listen' | 'whisper' | 'barge' | 'takeover';
export type MicState = 'live' | 'muted' | 'none';

export const WHO_HEARS: Record<Mode, string> = {
  listen: 'nobody hears you',
  whisper: 'only the agent hears you',
  barge: 'the caller and the agent hear you',
  takeover: 'you have the caller; the agent has left',
};
/** A mode's button, and what the supervisor is doing in it. */
export const LABEL: Record<Mode, { button: string; doing: string }> = {
  listen: { button: 'Listen', doing: 'Listening to' },
  whisper: { button: 'Whisper', doing: 'Whispering to the agent on' },
  barge: { button: 'Barge', doing: 'Barged into' },
  takeover: { button: 'Take over', doing: 'Took over' },
};

const CSS = `
#monitor-bar { position: fixed; left: 0; right: 0; bottom: 0; z-index: 5; display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; padding: 10px 16px; background: #020617; border-top: 2px solid var(--accent); }
#monitor-bar .what { font-weight: 700; }
#monitor-bar .mode { color: var(--accent); font-weight: 700; }
#monitor-bar .meter { width: 160px; height: 12px; background: #0b1220; border: 1px solid var(--line); border-radius: 6px; overflow: hidden; }
#monitor-bar .meter > div { height: 100%; width: 0; background: var(--ok); transition: width 80ms linear; }
#monitor-bar button.on, #monitor-bar button.on:disabled { background: var(--accent); border-color: var(--accent); color: #020617; font-weight: 800; opacity: 1; }
/* A clicked button keeps the focus: only a keyboard user's focus is drawn, never beside the active mode as a second "selected". */
#monitor-bar button:focus:not(:focus-visible) { outline: none; }
#monitor-bar button:focus-visible { outline: 3px solid #f8fafc; outline-offset: 2px; }
@media (max-width: 760px) {
  #monitor-bar { gap: 4px 8px; padding: 6px 8px; font-size: 14px; }
  #monitor-bar .meter { width: 60px; }
  #monitor-bar [data-field='who-hears'], #monitor-bar [data-field='mic'] { display: none; }
  #monitor-bar .actions button { padding: 3px 8px; font-size: 14px; }
  body.monitoring main { padding-bottom: 130px; }
}
#monitor-bar .status { color: var(--muted); }
body.monitoring main { padding-bottom: 90px; }
`;

export interface BarActions {
  switchMode(mode: Mode): void;
  toggleMute(): void;
  stop(): void;
}

export class MonitorBar {
  readonly el: HTMLElement;
  private readonly mode = h('span', { class: 'mode', 'data-field': 'mode' });
  private readonly who = h('span', { class: 'muted', 'data-field': 'who-hears' });
  private readonly fill = h('div');
  private readonly meter = h('div', { class: 'meter', id: 'monitor-level', title: 'what you hear' }, this.fill);
  private readonly mic = h('span', { 'data-field': 'mic' });
  private readonly status = h('span', { class: 'status', 'data-field': 'status' });
  private readonly modes: Record<Mode, HTMLButtonElement>;
  private readonly mute: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;

  /** `call`: the call's id; `who`: the call in people's words ("the call from Sam Lee with Ava Martin"). */
  constructor(call: string, who: string, actions: BarActions) {
    if (!document.getElementById('monitor-bar-css')) document.head.append(h('style', { id: 'monitor-bar-css' }, CSS));
    this.modes = Object.fromEntries((Object.keys(LABEL) as Mode[]).map((m) => [m, h('button', { 'data-mode': m, 'aria-pressed': 'false', onclick: () => actions.switchMode(m) }, LABEL[m].button)])) as Record<Mode, HTMLButtonElement>;
    this.mute = h('button', { id: 'monitor-mute', onclick: () => actions.toggleMute() }, 'Mute');
    this.stopButton = h('button', { id: 'monitor-stop', class: 'danger', onclick: () => actions.stop() }, 'Stop');
    this.el = h(
      'div',
      { id: 'monitor-bar', role: 'region', 'aria-label': 'monitoring' },
      h('span', { class: 'what', 'data-call': call, title: `call ${call}` }, 'Monitoring ', h('span', { 'data-field': 'who' }, who)),
      this.mode,
      this.who,
      this.meter,
      this.mic,
      h('span', { class: 'actions' }, ...Object.values(this.modes), this.mute, this.stopButton),
      this.status,
    );
    document.body.append(this.el);
    document.body.classList.add('monitoring');
  }

  setMode(mode: Mode): void {
    this.mode.textContent = LABEL[mode].button;
    this.el.dataset.mode = mode;
    this.who.textContent = `· ${WHO_HEARS[mode]}`;
    for (const [m, b] of Object.entries(this.modes)) {
      b.classList.toggle('on', m === mode);
      b.setAttribute('aria-pressed', String(m === mode));
    }
    // A takeover ends with the call, not with Stop; there is no mode to go back to.
    for (const b of Object.values(this.modes)) b.disabled = mode === 'takeover';
    this.stopButton.disabled = mode === 'takeover';
  }

  setMic(state: MicState, heard: boolean): void {
    this.el.dataset.mic = state;
    this.mic.textContent = state === 'none' ? 'Mic: none (listen only)' : state === 'muted' ? 'Mic: muted' : heard ? 'Mic: on' : 'Mic: on, not heard in listen';
    this.mute.textContent = state === 'muted' ? 'Unmute' : 'Mute';
    this.mute.disabled = state === 'none';
  }

  /** Level of what the supervisor hears, in dBFS: -60 and below is an empty meter. */
  setLevel(db: number): void {
    const pct = Math.max(0, Math.min(100, ((db + 60) / 60) * 100));
    this.fill.style.width = `${pct.toFixed(0)}%`;
    this.meter.dataset.db = Number.isFinite(db) ? db.toFixed(1) : '-inf';
  }

  setStatus(text: string): void {
    this.status.textContent = text;
  }

  remove(): void {
    this.el.remove();
    document.body.classList.remove('monitoring');
  }
}
