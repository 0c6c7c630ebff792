/**
 * SRTP and SRTCP for a leg keyed by SDES (RFC 4568): AES_CM_128_HMAC_SHA1_80 (RFC 3711)
 * with werift's srtp module, the same maintained pure-TypeScript library that carries the
 * browser legs' DTLS-SRTP, so the engine has one SRTP implementation and no native code.
 * werift does the key derivation, the cipher and the authentication tag; it keeps no replay
 * list, so the RFC 3711 §3.3.2 sliding window (64 packets per SSRC) is kept here, on the
 * packet index werift's rollover tracking decrypted with.
 */
import { ProtectionProfileAes128CmHmacSha1_80, RtpHeader, SrtcpSession, SrtpSession } from 'werift';

/** SDES key material: 16 bytes of master key, then 14 of master salt. */
export const SDES_KEY_BYTES = 30;

const WINDOW = 64n;

export class SrtpStream {
  private readonly rtp: SrtpSession;
  private readonly rtcp: SrtcpSession;
  private readonly replay = new Map<number, { top: bigint; seen: bigint }>();

  /** `local` keys what we send, `remote` what the peer sends (each SDES_KEY_BYTES long). */
  constructor(local: Buffer, remote: Buffer) {
    if (local.length !== SDES_KEY_BYTES || remote.length !== SDES_KEY_BYTES) throw new Error(`SDES keys are ${SDES_KEY_BYTES} bytes`);
    const keys = { localMasterKey: local.subarray(0, 16), localMasterSalt: local.subarray(16), remoteMasterKey: remote.subarray(0, 16), remoteMasterSalt: remote.subarray(16) };
    this.rtp = new SrtpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
    this.rtcp = new SrtcpSession({ keys, profile: ProtectionProfileAes128CmHmacSha1_80 });
  }

  /** An RTP packet as SRTP: payload encrypted, authentication tag appended. */
  protect(packet: Buffer): Buffer {
    const header = RtpHeader.deSerialize(packet);
    return this.rtp.encrypt(packet.subarray(header.payloadOffset), header);
  }

  /** The RTP packet inside an SRTP one; null when it fails authentication, is a replay, or is not SRTP at all. */
  unprotect(packet: Buffer): Buffer | null {
    if (packet.length < 12 + 10 || packet[0]! >> 6 !== 2) return null;
    let plain: Buffer;
    try {
      plain = this.rtp.decrypt(packet);
    } catch {
      return null;
    }
    const ssrc = packet.readUInt32BE(8);
    const state = this.rtp.remoteContext.srtpSSRCStates[ssrc];
    if (!state) return null;
    const index = (BigInt(state.rolloverCounter) << 16n) | BigInt(packet.readUInt16BE(2));
    return this.fresh(ssrc, index) ? plain : null;
  }

  /** An RTCP compound packet as SRTCP (encrypted, index and tag appended). */
  protectRtcp(packet: Buffer): Buffer {
    return this.rtcp.encrypt(packet);
  }

  /** The RTCP packet inside an SRTCP one; null when it fails authentication. */
  unprotectRtcp(packet: Buffer): Buffer | null {
    if (packet.length < 8 + 4 + 10) return null;
    try {
      return this.rtcp.decrypt(packet);
    } catch {
      return null;
    }
  }

  /** RFC 3711 §3.3.2: accepts an index once, and none older than the window behind the highest seen. */
  private fresh(ssrc: number, index: bigint): boolean {
    const w = this.replay.get(ssrc);
    if (!w) {
      this.replay.set(ssrc, { top: index, seen: 1n });
      return true;
    }
    if (index > w.top) {
      const shift = index - w.top;
      w.seen = shift >= WINDOW ? 1n : ((w.seen << shift) | 1n) & ((1n << WINDOW) - 1n);
      w.top = index;
      return true;
    }
    const back = w.top - index;
    if (back >= WINDOW) return false;
    const bit = 1n << back;
    if ((w.seen & bit) !== 0n) return false;
    w.seen |= bit;
    return true;
  }
}
