/**
 * Stretches of the runner's decisions, by log seq: what the history writer queues, cuts into
 * batches and splits when a write fails.
 */
import type { DecidedBatch } from '../../processors/index.js';

/** One of a stretch's events: where to split it, and which event to set aside. */
export type Item = { seq: number; kind: 'event' | 'attempt' | 'rejected'; i: number };

export function empty(lastSeq: number): DecidedBatch {
  return { events: [], attempts: [], rejected: [], lastSeq };
}

/** The decisions with seq in (after, upTo]. */
export function slice(b: DecidedBatch, after: number, upTo: number): DecidedBatch {
  const within = (x: { seq: number }) => x.seq > after && x.seq <= upTo;
  return { events: b.events.filter(within), attempts: b.attempts.filter(within), rejected: b.rejected.filter(within), lastSeq: upTo };
}

/** What a stretch can be split between: its admitted and rejected events, by seq. */
export function itemsOf(b: DecidedBatch): Item[] {
  const items: Item[] = [];
  b.events.forEach((x, i) => items.push({ seq: x.seq, kind: 'event', i }));
  b.rejected.forEach((x, i) => items.push({ seq: x.seq, kind: 'rejected', i }));
  return items.sort((x, y) => x.seq - y.seq);
}
