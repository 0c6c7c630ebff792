/**
 * The demo's voices: in every simulated call the agent and the caller speak one short
 * conversation (assets/voices: phrases synthesised by espeak-ng, stored as 8 kHz G.711
 * µ-law clips; make-voices.sh says how), turn by turn, then again from the start. So a
 * supervisor listening from the wallboard hears people talking. Tests use the tones.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeFrame, Loop, SAMPLE_RATE, type PcmSource } from '../media/index.js';

const DIR = fileURLToPath(new URL('../../assets/voices/', import.meta.url));
/** The pause between two turns. */
const GAP_S = 0.6;

export type Speaker = 'agent' | 'caller';

export interface Conversation {
  agent: PcmSource;
  caller: PcmSource;
}

/** One conversation's two voices, laid on a common timeline: each speaker's track is silent while the other speaks. */
export class Voices {
  private readonly tracks: Record<Speaker, Int16Array>;

  constructor(turns: ReadonlyArray<{ speaker: Speaker; pcm: Int16Array }>) {
    if (turns.length === 0) throw new Error('a conversation needs at least one turn');
    const gap = Math.round(GAP_S * SAMPLE_RATE);
    const length = turns.reduce((n, t) => n + t.pcm.length + gap, 0);
    this.tracks = { agent: new Int16Array(length), caller: new Int16Array(length) };
    let at = 0;
    for (const t of turns) {
      this.tracks[t.speaker].set(t.pcm, at);
      at += t.pcm.length + gap;
    }
  }

  /** Length of the conversation, in seconds. */
  get seconds(): number {
    return this.tracks.agent.length / SAMPLE_RATE;
  }

  /** A call's two voices, from the first turn, in step as long as both are read once a frame (the mixer does). */
  conversation(): Conversation {
    return { agent: new Loop(this.tracks.agent), caller: new Loop(this.tracks.caller) };
  }
}

/** Reads phrases.tsv and its clips (about 300 KB, once at start). */
export function loadVoices(dir = DIR): Voices {
  const turns = readFileSync(`${dir}phrases.tsv`, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => {
      const [id, speaker] = l.split('\t');
      if (!id || (speaker !== 'agent' && speaker !== 'caller')) throw new Error(`phrases.tsv: bad line "${l}"`);
      return { speaker: speaker as Speaker, pcm: decodeFrame('pcmu', readFileSync(`${dir}${id}.ulaw`)) };
    });
  return new Voices(turns);
}
