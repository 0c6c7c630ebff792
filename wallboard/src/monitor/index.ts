/**
 * Monitoring from the wallboard: `startMonitoring` is the one hook a page calls (the calls
 * page's Listen / Whisper / Barge / Take over). It starts the session through call control,
 * opens the browser media leg and shows the monitoring bar; a tab monitors one call at a
 * time, so starting another ends the one before.
 */
import type { Api } from '../api.js';
import type { Mode } from './bar.js';
import { Monitoring, type Session } from './monitoring.js';

let current: Monitoring | null = null;

export async function startMonitoring(api: Api, callId: string, mode: Mode): Promise<Session> {
  if (current) await current.stop();
  const session = await api.post<Session>(`/cc/calls/${encodeURIComponent(callId)}/monitor`, { action: mode });
  const m = new Monitoring(api, session, () => {
    if (current === m) current = null;
  });
  current = m;
  void m.connect();
  return session;
}

export type { Mode } from './bar.js';
