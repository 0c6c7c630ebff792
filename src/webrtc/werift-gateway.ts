/**
 * The WebRTC gateway on werift (pure TypeScript: no native code, nothing downloaded at
 * install). Each leg is one RTCPeerConnection answering the browser's offer with G.711
 * audio, its UDP bound to the configured address only. The leg ends on DELETE, on the
 * session's or the call's end (legs.ts), on ICE/DTLS failure, when nothing has come from
 * the browser for `peerGoneMs` (a closed tab sends nothing more), or when ICE and DTLS do
 * not complete within `connectTimeoutMs`; every end releases the socket and the timers.
 */
import { randomUUID } from 'node:crypto';
import { isIPv4 } from 'node:net';
import { RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type MediaStreamTrack, type PeerConfig, type RTCRtpTransceiver } from 'werift';
import type { Health } from '../bus/index.js';
import type { Codec } from '../media/index.js';
import type { AnswerOutcome, LegEndReason, LegHooks, LegState, MediaLeg, WebRtcGateway } from './leg.js';
import { peerRule } from './peers.js';
import { RtpEndpoint } from './rtp-endpoint.js';
import { checkOffer } from './sdp.js';

export interface WeriftOptions {
  /** The one address legs bind and advertise as their ICE host candidate; null: every address of the machine. */
  address: string | null;
  /** The UDP ports legs may use (inclusive), for a firewall; null: any free port. */
  ports?: readonly [number, number] | null;
  connectTimeoutMs?: number;
  peerGoneMs?: number;
}

const CODECS = {
  audio: [
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMU', clockRate: 8000, channels: 1, payloadType: 0 }),
    new RTCRtpCodecParameters({ mimeType: 'audio/PCMA', clockRate: 8000, channels: 1, payloadType: 8 }),
  ],
  // Accepted only so an offer that also asks for video (a generic WHEP player) negotiates; video stays inactive.
  video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96 })],
};
const WATCH_MS = 1000;

export function weriftGateway(o: WeriftOptions): WebRtcGateway {
  const address = o.address === '0.0.0.0' || o.address === '::' ? null : o.address;
  const allowed = peerRule(address);
  const config: Partial<PeerConfig> = {
    codecs: CODECS,
    headerExtensions: { audio: [], video: [] },
    ...(address
      ? { iceUseIpv4: false, iceUseIpv6: false, iceAdditionalHostAddresses: [address], iceInterfaceAddresses: isIPv4(address) ? { udp4: address } : { udp6: address } }
      : {}),
    ...(o.ports ? { icePortRange: [o.ports[0], o.ports[1]] as [number, number] } : {}),
    iceFilterStunResponse: (_m, from) => allowed(from[0]),
    iceFilterCandidatePair: (pair) => allowed(pair.remoteCandidate.host),
  };
  const legs = new Set<WeriftLeg>();
  let closed = false;

  return {
    kind: 'werift',
    async answer(offer: string, hooks: LegHooks): Promise<AnswerOutcome> {
      if (closed) throw new Error('the WebRTC gateway is closed');
      const checked = checkOffer(offer);
      if (!checked.ok) return checked;
      const leg = new WeriftLeg(new RTCPeerConnection(config), { connectTimeoutMs: o.connectTimeoutMs ?? 15_000, peerGoneMs: o.peerGoneMs ?? 8_000 }, {
        ...hooks,
        onEnded: (reason) => {
          legs.delete(leg);
          hooks.onEnded(reason);
        },
      });
      legs.add(leg);
      try {
        await leg.negotiate(checked.sdp);
      } catch (e) {
        await leg.close('connection_failed');
        const detail = `the offer could not be answered: ${(e as Error).message}`;
        return { ok: false, refusal: { status: 422, detail, errors: [{ field: 'body', rule: 'an offer the engine can answer with G.711 audio' }] } };
      }
      return { ok: true, leg };
    },
    get size() {
      return legs.size;
    },
    health(): Health {
      if (closed) return { ok: false, reason: 'the WebRTC gateway is closed' };
      return { ok: true, detail: `${legs.size} browser leg(s) on ${address ?? 'every address'}${o.ports ? `, ports ${o.ports[0]}-${o.ports[1]}` : ''}` };
    },
    async close() {
      closed = true;
      await Promise.all([...legs].map((l) => l.close('engine_stopped')));
    },
  };
}

class WeriftLeg implements MediaLeg {
  readonly id = randomUUID();
  answer = '';
  endpoint!: RtpEndpoint;
  private current: LegState = { kind: 'connecting' };
  private audio: RTCRtpTransceiver | undefined;
  private heard = 0;
  private quietFor = 0;
  private readonly timers: NodeJS.Timeout[] = [];
  private ending: Promise<void> | null = null;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly limits: { connectTimeoutMs: number; peerGoneMs: number },
    private readonly hooks: LegHooks,
  ) {}

  async negotiate(offer: string): Promise<void> {
    const pc = this.pc;
    pc.connectionStateChange.subscribe((s) => {
      if (s === 'connected') this.connected();
      else if (s === 'failed' || s === 'closed') void this.close('connection_failed');
    });
    // setRemoteDescription announces the browser's track at once: listen before it.
    const tracks: MediaStreamTrack[] = [];
    pc.onTrack.subscribe((t) => void tracks.push(t));
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    const audio = pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!audio) throw new Error('no audio section to answer');
    for (const t of pc.getTransceivers()) if (t !== audio) t.setDirection('inactive');
    audio.setDirection('sendrecv');
    this.audio = audio;
    const negotiated = audio.codecs[0];
    const codec: Codec = negotiated?.mimeType.toUpperCase() === 'AUDIO/PCMA' ? 'pcma' : 'pcmu';
    const pt = codec === 'pcma' ? 8 : 0;
    this.endpoint = new RtpEndpoint(codec, (p) => {
      if (this.current.kind !== 'connected') return;
      void audio.sender.sendRtp(new RtpPacket(new RtpHeader({ sequenceNumber: p.sequenceNumber, timestamp: p.timestamp, marker: p.marker, payloadType: pt }), Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength))).catch(() => {});
    });
    const track = tracks.find((t) => t.kind === 'audio') ?? audio.receiver.track;
    track?.onReceiveRtp.subscribe((rtp) => {
      this.heard++;
      if (rtp.header.payloadType === pt) this.endpoint.receive(rtp.header.sequenceNumber, rtp.payload);
    });
    audio.receiver.onRtcp.subscribe(() => this.heard++);
    audio.sender.onRtcp.subscribe(() => this.heard++);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') await pc.iceGatheringStateChange.watch((s) => s === 'complete', 5000);
    this.answer = pc.localDescription!.sdp;
    this.timers.push(setTimeout(() => void (this.current.kind === 'connecting' && this.close('connect_timeout')), this.limits.connectTimeoutMs));
  }

  state(): LegState {
    return this.current;
  }

  async addCandidate(candidate: string): Promise<void> {
    await this.pc.addIceCandidate({ candidate, sdpMid: this.audio?.mid ?? '0' });
  }

  close(reason: LegEndReason): Promise<void> {
    // Set before anything else: pc.close() reports 'closed' synchronously, which calls back here.
    if (this.ending) return this.ending;
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    this.current = { kind: 'ended', reason };
    let done!: () => void;
    this.ending = new Promise<void>((r) => (done = r));
    void this.pc
      .close()
      .catch(() => {})
      .then(() => {
        this.hooks.onState?.(this.current);
        this.hooks.onEnded(reason);
        done();
      });
    return this.ending;
  }

  private connected(): void {
    if (this.current.kind !== 'connecting') return;
    const pair = this.pc.iceTransports[0]?.getSelectedCandidatePair();
    this.current = { kind: 'connected', peer: pair ? hostPort(pair.remote.candidate) : 'unknown', local: pair ? hostPort(pair.local.candidate) : 'unknown' };
    this.hooks.onState?.(this.current);
    // A closed tab or a lost network stops every packet; RTCP alone comes every few seconds.
    let last = this.heard;
    const watch = setInterval(() => {
      this.quietFor = this.heard === last ? this.quietFor + WATCH_MS : 0;
      last = this.heard;
      if (this.quietFor >= this.limits.peerGoneMs) void this.close('peer_gone');
    }, WATCH_MS);
    this.timers.push(watch);
  }
}

/** `address:port` of a candidate line (`candidate:<foundation> <component> <transport> <priority> <address> <port> typ …`). */
function hostPort(candidate: string): string {
  const f = candidate.split(' ');
  return `${f[4]}:${f[5]}`;
}
