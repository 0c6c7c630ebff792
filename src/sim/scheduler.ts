/**
 * A discrete-event scheduler: things due at a time (epoch ms), run in time order, ties in
 * the order they were scheduled, so a run is deterministic. Times are whole milliseconds,
 * the resolution of event times, so what runs first is also what is logged first.
 * Keyed entries replace each other (a timer set again moves); cancelled entries are
 * skipped lazily when they reach the top of the heap.
 */
interface Entry {
  at: number;
  seq: number;
  run: (at: number) => void;
  live: boolean;
}

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private readonly keyed = new Map<string, Entry>();

  /** Schedules `run` at time `at` (rounded to the millisecond); with a key, replaces that key's entry. */
  at(at: number, run: (at: number) => void, key?: string): void {
    if (key !== undefined) this.cancel(key);
    const entry: Entry = { at: Math.round(at), seq: this.seq++, run, live: true };
    if (key !== undefined) {
      this.keyed.set(key, entry);
      const inner = run;
      entry.run = (t) => {
        if (this.keyed.get(key) === entry) this.keyed.delete(key);
        inner(t);
      };
    }
    this.push(entry);
  }

  cancel(key: string): void {
    const e = this.keyed.get(key);
    if (e) {
      e.live = false;
      this.keyed.delete(key);
    }
  }

  /** Time of the next live entry, or undefined when nothing is scheduled. */
  nextAt(): number | undefined {
    this.dropDead();
    return this.heap[0]?.at;
  }

  /** Runs every entry due at or before `until`, in order (entries may schedule more). Returns how many ran. */
  runUntil(until: number): number {
    let n = 0;
    for (;;) {
      this.dropDead();
      const top = this.heap[0];
      if (!top || top.at > until) return n;
      this.pop();
      top.live = false;
      top.run(top.at);
      n++;
    }
  }

  get size(): number {
    return this.heap.length;
  }

  private dropDead(): void {
    while (this.heap.length > 0 && !this.heap[0]!.live) this.pop();
  }

  private less(x: Entry, y: Entry): boolean {
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
