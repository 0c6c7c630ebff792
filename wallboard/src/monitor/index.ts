/**
 * Monitoring from the wallboard: `startMonitoring` is the one hook a page calls (the calls
 * page's Listen / Whisper / Barge / Take over). It starts the session through call control,
 * opens the browser media leg and shows the monitoring bar, and resolves only once the
 * supervisor hears the call, with what really happened; when the engine starts the session
 * but the call has no audio for it, the session is ended again and the promise rejects with
 * the engine's reason, so nothing says "done" over silence. A tab monitors one call at a
 * time: starting another ends the one before.
 */
import type { Api } from '../api.js';
import { LABEL, WHO_HEARS, type Mode } from './bar.js';
import { Monitoring, type MonitorTarget, type Session } from './monitoring.js';

let current: Monitoring | null = null;

/** What the supervisor is doing now, in words: "Listening to … with …: nobody hears you". */
export function describeMonitoring(mode: Mode, t: MonitorTarget): string {
  return `${LABEL[mode].doing} the call from ${t.caller}${t.agent ? ` with ${t.agent}` : ''}: ${WHO_HEARS[mode]}`;
}

/**
 * Starts monitoring and waits for the audio. `report` hears every later change (a mode
 * switched from the bar, the session ended) in the same words, for the page's status line.
 */
export async function startMonitoring(api: Api, target: MonitorTarget, mode: Mode, report: (text: string) => void = () => {}): Promise<string> {
  if (current) await current.stop();
  const session = await api.post<Session>(`/cc/calls/${encodeURIComponent(target.callId)}/monitor`, { action: mode });
  const m = new Monitoring(api, session, target, report, () => {
    if (current === m) current = null;
  });
  current = m;
  await m.connect();
  return `${describeMonitoring(session.mode, target)} (audio connected)`;
}

export type { Mode } from './bar.js';
export type { MonitorTarget } from './monitoring.js';
