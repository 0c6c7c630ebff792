/**
 * A party's place in a call's audio room while its phone may not be there yet: the room
 * joins the slot when the log says the party is on the call (an agent answered, a
 * supervisor started monitoring), and the slot is bound to the phone's RTP leg once the
 * phone answers (and unbound when it hangs up). Unbound, the party sends and hears nothing.
 */
import type { Codec, Endpoint, PhoneLink, TelephoneEvent } from '../../media/index.js';
import type { RtpLeg } from '../rtp/leg.js';

export class PhoneSlot implements Endpoint {
  private leg: RtpLeg | null = null;
  private link: PhoneLink | null = null;

  get codec(): Codec {
    return this.leg?.codec ?? 'pcmu';
  }

  get bound(): boolean {
    return this.leg !== null;
  }

  bind(leg: RtpLeg | null): void {
    this.leg?.attach(null);
    this.leg = leg;
    leg?.attach(this.link);
  }

  read(): Uint8Array | null {
    return this.leg?.read() ?? null;
  }

  write(payload: Uint8Array): void {
    this.leg?.write(payload);
  }

  attach(link: PhoneLink | null): void {
    this.link = link;
    this.leg?.attach(link);
  }

  sendEvent(e: TelephoneEvent): void {
    this.leg?.sendEvent(e);
  }
}
