/**
 * The history writer's checkpoint as a chain: the history rows' whole state now and then
 * (every `fullEvery` flushes), and after each other flush only what that flush changed (the
 * calls and agents it set, the calls it let go). Writing the whole state at every flush held
 * the engine's event loop for as long as the state is big (docs/benchmarks.md, append →
 * visible over JetStream); a flush now writes what it touched.
 *
 * Rows (writer_checkpoints, one per key, sql/006):
 * - `<name>`: the head, written last, the writer's checkpoint proper (its seq is where the
 *   writer stands): `{"v":2,"full":{"key","at"},"deltas":[{"key","at"},…]}`.
 * - `<name>#full-a` / `<name>#full-b`: whole states, written in turn, so the one the head
 *   names is never the one being replaced.
 * - `<name>#a-1`, `<name>#a-2`, …: the changes after full `a` (`b-1`… after full `b`).
 * Each part holds `at`, the log seq it was written for, which the head names beside its key:
 * a part left by a write that failed or a crash before its head is never taken for the one
 * the head names. Parts go in with seq 0, so the one written last is the one stored
 * (ReplacingMergeTree keeps the last insert among equal versions) whatever log seq it is for.
 *
 * A checkpoint from before the chain (the whole state in the head, format 1) restores as it
 * is, and the first flush after it writes a full part and a head of format 2.
 */
import { createHistoryRunner, type HistoryRowsState, type HistoryRunner } from '../../processors/index.js';
import { stringifyInSlices } from './sliced-json.js';
import type { HistoryStore } from './store.js';
import type { Checkpoint } from './writes.js';

/** A part of the chain: its key and the log seq it was written for. */
interface Link {
  key: string;
  at: number;
}

interface Head {
  v: 2;
  full: Link;
  deltas: Link[];
}

/** A part's JSON: calls and agents set (all of them in a full part), calls let go, and its seq. */
interface Part extends HistoryRowsState {
  gone?: string[];
  at: number;
}

/** The checkpoint as stored: the head's text, and the parts' texts in order (for going back after a failed write). */
export interface Chain {
  head: string;
  /** null: the head is a whole state of format 1 (or there is no checkpoint): the next flush writes a full part. */
  full: Link | null;
  deltas: Link[];
  /** The whole state, then each delta, as stored. */
  texts: string[];
}

type Store = Pick<HistoryStore, 'readCheckpoint' | 'writeCheckpoint'>;

/** A chain of no checkpoint: the initial state. */
export function emptyChain(): Chain {
  const text = JSON.stringify(createHistoryRunner().snapshot());
  return { head: text, full: null, deltas: [], texts: [text] };
}

/** Reads the parts the checkpoint's head names (a head of format 1 is its own state). */
export async function readChain(store: Store, name: string, cp: Checkpoint | null): Promise<Chain> {
  if (!cp) return emptyChain();
  const head = JSON.parse(cp.state) as Head | HistoryRowsState;
  if (!('v' in head)) return { head: cp.state, full: null, deltas: [], texts: [cp.state] };
  const texts: string[] = [];
  for (const link of [head.full, ...head.deltas]) {
    const part = await store.readCheckpoint(link.key);
    const at = part ? (JSON.parse(part.state) as Part).at : null;
    if (at !== link.at) throw new Error(`history checkpoint ${name}: part ${link.key} holds seq ${at ?? 'nothing'}, the head names seq ${link.at}`);
    texts.push(part!.state);
  }
  return { head: cp.state, full: head.full, deltas: head.deltas, texts };
}

/** The history rows' runner with the state the chain stores. */
export function runnerOf(chain: Chain): HistoryRunner {
  const [whole, ...deltas] = chain.texts.map((t) => JSON.parse(t) as Part);
  const state: HistoryRowsState = { calls: whole!.calls, agents: whole!.agents };
  for (const d of deltas) {
    for (const id of d.gone ?? []) delete state.calls[id];
    Object.assign(state.calls, d.calls);
    Object.assign(state.agents, d.agents);
  }
  return createHistoryRunner(state);
}

/**
 * Writes the runner's state as of `seq`: a full part when due, else the changes since the
 * last part; then the head (`name`'s row, at `seq`). Returns the chain as stored; the caller
 * settles the runner's changes once the head is written. Throws when a write fails (the
 * stored chain is then the one before).
 */
export async function writeChain(store: Store, name: string, chain: Chain, rows: HistoryRunner, seq: number, fullEvery: number): Promise<Chain> {
  const state = rows.snapshot();
  let next: Chain;
  if (chain.full === null || chain.deltas.length + 1 >= fullEvery) {
    const key = chain.full?.key === `${name}#full-a` ? `${name}#full-b` : `${name}#full-a`;
    // In slices, so a large state does not hold up the event loop (appends, live views).
    const text = await stringifyInSlices({ calls: state.calls, agents: state.agents, at: seq });
    await store.writeCheckpoint(key, { seq: 0, state: text });
    next = { head: '', full: { key, at: seq }, deltas: [], texts: [text] };
  } else {
    const changes = rows.changes();
    const part = { calls: {} as HistoryRowsState['calls'], agents: {} as HistoryRowsState['agents'], gone: [...changes.gone], at: seq };
    for (const id of changes.calls) part.calls[id] = state.calls[id]!;
    for (const id of changes.agents) part.agents[id] = state.agents[id]!;
    const key = `${name}#${chain.full.key.slice(-1)}-${chain.deltas.length + 1}`;
    const text = await stringifyInSlices(part);
    await store.writeCheckpoint(key, { seq: 0, state: text });
    next = { head: '', full: chain.full, deltas: [...chain.deltas, { key, at: seq }], texts: [...chain.texts, text] };
  }
  const head: Head = { v: 2, full: next.full!, deltas: next.deltas };
  next.head = JSON.stringify(head);
  await store.writeCheckpoint(name, { seq, state: next.head });
  return next;
}
