/**
 * Names for ids: the board shows "Sales" and "Ava Martin", never "sales-queue" or
 * "agent-001". Loaded from /cc/realtime and /cc/agents at sign-in and once a minute, and
 * topped up by whatever a page receives (queue rows, agent views).
 */
import type { Api } from './api.js';

export class Names {
  private readonly queues = new Map<string, string>();
  private readonly agents = new Map<string, string>();
  private readonly listeners = new Set<() => void>();

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    const [rt, ag] = await Promise.all([
      this.api.json<{ queues: Array<{ queue: string; name: string }> }>('/cc/realtime').catch(() => ({ queues: [] })),
      this.api.json<{ agents: Array<{ agent: string; name: string | null }> }>('/cc/agents').catch(() => ({ agents: [] })),
    ]);
    this.learnQueues(rt.queues);
    this.learnAgents(ag.agents);
  }

  learnQueues(rows: ReadonlyArray<{ queue: string; name: string }>): void {
    let changed = false;
    for (const r of rows) if (this.queues.get(r.queue) !== r.name) (this.queues.set(r.queue, r.name), (changed = true));
    if (changed) this.changed();
  }

  learnAgents(rows: ReadonlyArray<{ agent: string; name: string | null }>): void {
    let changed = false;
    for (const r of rows) if (r.name && this.agents.get(r.agent) !== r.name) (this.agents.set(r.agent, r.name), (changed = true));
    if (changed) this.changed();
  }

  queue(id: string | null | undefined): string {
    return id == null ? '—' : (this.queues.get(id) ?? id);
  }

  agent(id: string | null | undefined): string {
    return id == null ? '—' : (this.agents.get(id) ?? id);
  }

  /** Known queues as [id, name], by name. */
  queueList(): Array<[string, string]> {
    return [...this.queues].sort((a, b) => a[1].localeCompare(b[1]));
  }

  agentList(): Array<[string, string]> {
    return [...this.agents].sort((a, b) => a[1].localeCompare(b[1]));
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
