/**
 * The demo's voices: the committed clips load, the agent speaks first, the two speakers
 * take turns (never both at once), each speaks a good share of the time, and the
 * simulator's phones use them for callers and agents only.
 */
import { describe, expect, it } from 'vitest';
import { loadVoices, SimulatedPhones } from '../../src/callcontrol/index.js';
import { decodeFrame, FRAME_SAMPLES } from '../../src/media/index.js';

const rms = (f: Int16Array) => Math.sqrt(f.reduce((a, x) => a + x * x, 0) / f.length);
/** Speech frames sit far above this; the silence between turns is exactly 0. */
const SPEAKING = 100;

describe('demo voices', () => {
  const voices = loadVoices();

  it('is one conversation of 20 to 90 seconds in which agent and caller take turns, the agent first', () => {
    expect(voices.seconds).toBeGreaterThan(20);
    expect(voices.seconds).toBeLessThan(90);
    const c = voices.conversation();
    const frames = Math.floor((voices.seconds * 1000) / 20);
    let agent = 0;
    let caller = 0;
    let first: 'agent' | 'caller' | null = null;
    for (let i = 0; i < frames; i++) {
      const a = rms(c.agent.next(new Int16Array(FRAME_SAMPLES))) > SPEAKING;
      const k = rms(c.caller.next(new Int16Array(FRAME_SAMPLES))) > SPEAKING;
      expect(a && k, `both speak in frame ${i}`).toBe(false);
      if (a) agent++;
      if (k) caller++;
      first ??= a ? 'agent' : k ? 'caller' : null;
    }
    expect(first).toBe('agent');
    expect(agent / frames).toBeGreaterThan(0.25);
    expect(caller / frames).toBeGreaterThan(0.2);
  });

  it("the simulator's phones give callers and agents the voices, and keep everyone else silent", () => {
    const phones = new SimulatedPhones('pcmu', new Map(), voices);
    const caller = phones.endpoint('c1', 'caller', 'caller');
    const agent = phones.endpoint('c1', 'a1', 'agent');
    const sup = phones.endpoint('c1', 's1', 'supervisor');
    let agentSpoke = false;
    for (let i = 0; i < 100; i++) {
      agentSpoke ||= rms(decodeFrame('pcmu', agent.read()!)) > SPEAKING;
      expect(caller.read()).not.toBeNull();
      expect(sup.read()).toBeNull();
    }
    expect(agentSpoke).toBe(true);
  });
});
