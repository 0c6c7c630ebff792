/**
 * The browser side of a monitoring session's media leg, speaking only WHEP-style HTTP
 * (RFC 9725): one RTCPeerConnection, the offer POSTed with every candidate gathered, the
 * answer applied, and DELETE on the Location to end it. The microphone is sent when the
 * browser gives one (the session's mode decides who hears it); without one the leg only
 * receives.
 */
import type { Api } from '../api.js';

export interface BrowserLeg {
  readonly pc: RTCPeerConnection;
  /** The leg's URL (DELETE ends it). */
  readonly location: string;
  /** What the supervisor hears. */
  readonly remote: Promise<MediaStream>;
  /** The microphone track sent, or null (no device, or permission refused). */
  readonly mic: MediaStreamTrack | null;
  /** Ends the leg: DELETE (kept alive through a page unload), then closes the connection. */
  close(): void;
}

const GATHER_MS = 2000;

async function microphone(): Promise<MediaStreamTrack | null> {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    return stream.getAudioTracks()[0] ?? null;
  } catch {
    return null;
  }
}

/** Gathering done, or enough waiting: whatever was gathered goes into the offer. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, GATHER_MS);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return;
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function openLeg(api: Api, sessionId: string): Promise<BrowserLeg> {
  const mic = await microphone();
  const pc = new RTCPeerConnection();
  if (mic) pc.addTransceiver(mic, { direction: 'sendrecv' });
  else pc.addTransceiver('audio', { direction: 'recvonly' });
  const remote = new Promise<MediaStream>((resolve) => pc.addEventListener('track', (e) => resolve(e.streams[0] ?? new MediaStream([e.track]))));
  try {
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc);
    const res = await api.fetch(`/cc/supervisor/sessions/${encodeURIComponent(sessionId)}/media`, { method: 'POST', body: pc.localDescription!.sdp, headers: { 'content-type': 'application/sdp' } });
    const location = res.headers.get('location');
    if (!location) throw new Error('the engine answered without a Location');
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    let closed = false;
    return {
      pc,
      location,
      remote,
      mic,
      close() {
        if (closed) return;
        closed = true;
        void api.fetch(location, { method: 'DELETE', keepalive: true }).catch(() => {});
        pc.close();
        mic?.stop();
      },
    };
  } catch (e) {
    pc.close();
    mic?.stop();
    throw e;
  }
}
