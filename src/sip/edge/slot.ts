/**
 * A party's place in a call's audio room while its phone may not be there yet: the room
 * joins the slot when the log says the party is on the call (an agent answered, a
 * supervisor started monitoring), and the slot is bound to the phone's RTP leg once the
 * phone answers (and unbound when it hangs up). Unbound, the party sends and hears nothing.
 */
import type { Codec, Endpoint, PhoneLink, TelephoneEvent } from '../../media/index.js';
import { evolve, initialFeatureCodes, type FeatureCodeRules } from '../rtp/feature-codes.js';
import { RtpLeg, type MediaLeg } from '../rtp/leg.js';

/** An agent's keyed feature codes: the rules, the clock, and who acts on a completed code. */
export interface FeatureCodeWatch {
  rules: FeatureCodeRules;
  now(): number;
  keyed(code: string): void;
}

export class PhoneSlot implements Endpoint {
  private leg: RtpLeg | null = null;
  private link: PhoneLink | null = null;
  private codes = initialFeatureCodes();

  /** With `watch`, the phone's telephone events are read for feature codes, whose digits the other parties never get. */
  constructor(private readonly watch: FeatureCodeWatch | null = null) {}

  get codec(): Codec {
    return this.leg?.codec ?? 'pcmu';
  }

  get bound(): boolean {
    return this.leg !== null;
  }

  /** The phone's leg now (an RtpLeg on this thread: a slot and its leg are on one thread), or none. */
  bind(leg: MediaLeg | null): void {
    if (leg !== null && !(leg instanceof RtpLeg)) throw new Error('a leg on a media worker cannot be bound to a slot on this thread');
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
    this.link = link && this.watch ? this.screened(link, this.watch) : link;
    this.leg?.attach(this.link);
  }

  private screened(link: PhoneLink, watch: FeatureCodeWatch): PhoneLink {
    return {
      frame: (p) => link.frame(p),
      event: (e) => {
        const step = evolve(this.codes, e, watch.now(), watch.rules);
        this.codes = step.state;
        if (step.forward) link.event(e);
        if (step.code !== null) watch.keyed(step.code);
      },
    };
  }

  sendEvent(e: TelephoneEvent): void {
    this.leg?.sendEvent(e);
  }
}
