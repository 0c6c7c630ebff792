/**
 * Feature codes an agent keys on its phone during a call (`*9`: ask for help), read from the
 * RFC 4733 telephone events of the agent's leg. A pure core: `evolve` takes each event packet
 * and says whether to pass it on to the other parties and whether a code was just completed.
 *
 * RFC 4733 sends one digit as several packets sharing one timestamp (§2.5.1.2): a start with
 * the marker bit, continuations, and the end packet three times over (§2.5.1.4). A digit
 * counts once, at its first end packet; the repeats and a late continuation of the same
 * timestamp change nothing. Digits of a code are kept from the caller: a digit that extends
 * a prefix of a code is withheld (every packet of it); a digit that does not is passed on,
 * and the withheld ones before it are lost (a caller's IVR rarely needs a lone `*`). The
 * digits of a code must follow each other within `interDigitMs`, or collection starts over.
 */

/** RFC 4733 §3.2: events 0–9 are the digits, 10 is *, 11 is #, 12–15 are A–D. */
export const DTMF_EVENTS = '0123456789*#ABCD';

/** The key of an RFC 4733 DTMF event number, or null for other events (tones, flash). */
export function dtmfKey(event: number): string | null {
  return event >= 0 && event < DTMF_EVENTS.length ? DTMF_EVENTS[event]! : null;
}

export interface KeyedPacket {
  event: number;
  end: boolean;
  /** The event's start timestamp (the same in every packet of one key press). */
  timestamp: number;
}

export interface FeatureCodeState {
  /** Digits keyed so far that are a prefix of some code. */
  digits: string;
  /** When the last digit of `digits` ended (ms), for the inter-digit timeout. */
  lastAt: number;
  /** The key press in progress: its timestamp, whether it is withheld, whether its end was counted. */
  current: { timestamp: number; withheld: boolean; counted: boolean } | null;
}

export const initialFeatureCodes = (): FeatureCodeState => ({ digits: '', lastAt: 0, current: null });

export interface FeatureCodeRules {
  codes: readonly string[];
  interDigitMs: number;
}

export interface FeatureCodeStep {
  state: FeatureCodeState;
  /** Pass this packet on to those who hear the agent. */
  forward: boolean;
  /** A code completed by this packet (its first end packet), else null. */
  code: string | null;
}

const isPrefix = (digits: string, codes: readonly string[]) => codes.some((c) => c.startsWith(digits));

export function evolve(s: FeatureCodeState, p: KeyedPacket, now: number, rules: FeatureCodeRules): FeatureCodeStep {
  const key = dtmfKey(p.event);
  if (key === null || rules.codes.length === 0) return { state: s, forward: true, code: null };
  let { digits, current } = s;
  if (current === null || current.timestamp !== p.timestamp) {
    // A new key press: decided once, at its first packet, for all its packets.
    if (digits !== '' && now - s.lastAt > rules.interDigitMs) digits = '';
    const withheld = isPrefix(digits + key, rules.codes) || isPrefix(key, rules.codes);
    if (withheld && !isPrefix(digits + key, rules.codes)) digits = '';
    current = { timestamp: p.timestamp, withheld, counted: false };
    if (!withheld) digits = '';
  }
  if (!p.end || current.counted) return { state: { ...s, digits, current }, forward: !current.withheld, code: null };
  current = { ...current, counted: true };
  if (!current.withheld) return { state: { digits: '', lastAt: now, current }, forward: true, code: null };
  digits += key;
  const code = rules.codes.includes(digits) ? digits : null;
  return { state: { digits: code ? '' : digits, lastAt: now, current }, forward: false, code };
}
