/**
 * Feature codes from RFC 4733 telephone events, as tables: real packets (written and read
 * back by the RTP code) of key presses with their redundant end packets, which digits count,
 * which packets reach the caller, and when a code completes.
 */
import { describe, expect, it } from 'vitest';
import { dtmfKey, evolve, initialFeatureCodes, type FeatureCodeRules } from '../../../src/sip/rtp/feature-codes.js';
import { readRtp, readTelephoneEvent, telephoneEventPayload, writeRtp } from '../../../src/sip/rtp/packet.js';

const RULES: FeatureCodeRules = { codes: ['*9'], interDigitMs: 2000 };

/** One key press as a phone sends it: start (marker), two continuations, three end packets (RFC 4733 §2.5.1). */
function press(key: string, timestamp: number, at: number): Array<{ bytes: Buffer; at: number }> {
  const event = '0123456789*#ABCD'.indexOf(key);
  const out: Array<{ bytes: Buffer; at: number }> = [];
  const parts = [
    { end: false, duration: 160, marker: true },
    { end: false, duration: 320, marker: false },
    { end: false, duration: 480, marker: false },
    { end: true, duration: 640, marker: false },
    { end: true, duration: 640, marker: false },
    { end: true, duration: 640, marker: false },
  ];
  parts.forEach((p, i) => {
    const payload = telephoneEventPayload({ event, end: p.end, volume: 10, duration: p.duration });
    out.push({ bytes: writeRtp({ marker: p.marker, payloadType: 101, sequence: timestamp / 10 + i, timestamp, ssrc: 7, payload }), at: at + i * 20 });
  });
  return out;
}

/** Runs packets through the core: the keys the caller would get (once per press) and the codes completed. */
function run(packets: Array<{ bytes: Buffer; at: number }>, rules = RULES) {
  let s = initialFeatureCodes();
  const forwarded: string[] = [];
  const codes: string[] = [];
  let last = -1;
  for (const p of packets) {
    const e = readTelephoneEvent(readRtp(p.bytes)!)!;
    const step = evolve(s, e, p.at, rules);
    s = step.state;
    if (step.forward && e.timestamp !== last) forwarded.push(dtmfKey(e.event)!);
    if (step.forward) last = e.timestamp;
    if (step.code) codes.push(step.code);
  }
  return { forwarded: forwarded.join(''), codes };
}

const keys = (seq: string, gapMs = 300) => seq.split('').flatMap((k, i) => press(k, 8000 + i * 4000, i * gapMs));

describe('RFC 4733 feature codes', () => {
  it('reads the packet fields (end bit, volume, duration, marker, timestamp)', () => {
    const [start] = press('*', 1600, 0);
    const e = readTelephoneEvent(readRtp(start!.bytes)!)!;
    expect(e).toEqual({ event: 10, end: false, volume: 10, duration: 160, start: true, timestamp: 1600 });
    expect(dtmfKey(10)).toBe('*');
    expect(dtmfKey(11)).toBe('#');
    expect(dtmfKey(15)).toBe('D');
    expect(dtmfKey(16)).toBeNull(); // a tone event, not a key
  });

  const table: Array<{ name: string; keyed: string; gapMs?: number; codes: string[]; forwarded: string; rules?: FeatureCodeRules }> = [
    { name: '*9 is the help code, its digits withheld', keyed: '*9', codes: ['*9'], forwarded: '' },
    { name: 'other digits pass to the caller', keyed: '123', codes: [], forwarded: '123' },
    { name: 'digits before the code pass, the code does not', keyed: '12*9', codes: ['*9'], forwarded: '12' },
    { name: '*8 is no code: * is withheld (lost), 8 passes', keyed: '*8', codes: [], forwarded: '8' },
    { name: '** then 9: the second * starts the code again', keyed: '**9', codes: ['*9'], forwarded: '' },
    { name: 'twice *9: two requests', keyed: '*9*9', codes: ['*9', '*9'], forwarded: '' },
    { name: 'a pause longer than the inter-digit timeout starts over', keyed: '*9', gapMs: 2500, codes: [], forwarded: '9' },
    { name: 'a pause within the timeout still counts', keyed: '*9', gapMs: 1900, codes: ['*9'], forwarded: '' },
    { name: 'no codes configured: everything passes', keyed: '*9', codes: [], forwarded: '*9', rules: { codes: [], interDigitMs: 2000 } },
    { name: 'a longer code #77', keyed: '1#77', codes: ['#77'], forwarded: '1', rules: { codes: ['#77'], interDigitMs: 2000 } },
  ];
  it.each(table)('$name', ({ keyed, gapMs, codes, forwarded, rules }) => {
    expect(run(keys(keyed, gapMs), rules)).toEqual({ codes, forwarded });
  });

  it('a lost end packet still counts the digit once from a later repeat', () => {
    const [s, c1, c2, , e2, e3] = press('*', 8000, 0);
    const nine = press('9', 12000, 300);
    expect(run([s!, c1!, c2!, e2!, e3!, ...nine]).codes).toEqual(['*9']);
  });

  it('a continuation after the end (reordered) does not count the digit again', () => {
    const star = press('*', 8000, 0);
    const nine = press('9', 12000, 300);
    const reordered = [...star.slice(0, 4), star[2]!, ...star.slice(4), ...nine];
    expect(run(reordered).codes).toEqual(['*9']);
  });
});
