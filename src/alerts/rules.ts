/**
 * Each queue's alert rules: the config's (the queue's own, or queue_defaults), replaced as a
 * whole by a manager's override from PUT /cc/queues/{queue}/alert-rules. Overrides survive a
 * restart: in ClickHouse when the engine has a history store, else in a JSON file in the
 * data directory.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import { AlertRuleSettings, queueSettings, type AlertRules, type Config } from '../domain/index.js';
import { chTime } from '../store/client.js';

export interface RuleOverride {
  rules: AlertRules;
  updatedBy: string;
  updatedAt: number;
}

/** Where overrides are kept. */
export interface OverrideStore {
  load(): Promise<Map<string, RuleOverride>>;
  save(queue: string, o: RuleOverride, all: Map<string, RuleOverride>): Promise<void>;
}

export function clickhouseOverrides(client: ClickHouseClient): OverrideStore {
  return {
    async load() {
      const rs = await client.query({
        query: 'SELECT queue, rules, updated_by, toUnixTimestamp64Milli(updated_at) AS at FROM alert_rule_overrides FINAL',
        format: 'JSONEachRow',
      });
      const out = new Map<string, RuleOverride>();
      for (const r of await rs.json<{ queue: string; rules: string; updated_by: string; at: string }>()) {
        out.set(r.queue, { rules: AlertRuleSettings.parse(JSON.parse(r.rules)), updatedBy: r.updated_by, updatedAt: Number(r.at) });
      }
      return out;
    },
    async save(queue, o) {
      await client.insert({
        table: 'alert_rule_overrides',
        values: [{ queue, rules: JSON.stringify(o.rules), updated_by: o.updatedBy, updated_at: chTime(o.updatedAt) }],
        format: 'JSONEachRow',
      });
    },
  };
}

export function fileOverrides(path: string): OverrideStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
        throw e;
      }
      const raw = JSON.parse(text) as Record<string, { rules: unknown; updated_by: string; updated_at: number }>;
      return new Map(Object.entries(raw).map(([q, r]) => [q, { rules: AlertRuleSettings.parse(r.rules), updatedBy: r.updated_by, updatedAt: r.updated_at }]));
    },
    async save(_queue, _o, all) {
      const body = Object.fromEntries([...all].map(([q, r]) => [q, { rules: r.rules, updated_by: r.updatedBy, updated_at: r.updatedAt }]));
      // Write then rename: a crash mid-write never leaves a half file.
      await writeFile(`${path}.tmp`, JSON.stringify(body, null, 2));
      await rename(`${path}.tmp`, path);
    },
  };
}

/** Overrides kept only in memory (no data directory): they last until the process ends. */
export function memoryOverrides(): OverrideStore {
  return { load: async () => new Map(), save: async () => {} };
}

export class AlertRuleBook {
  private overrides = new Map<string, RuleOverride>();
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: Config,
    private readonly store: OverrideStore,
  ) {}

  async load(): Promise<void> {
    this.overrides = await this.store.load();
  }

  rulesOf(queue: string): AlertRules {
    return this.overrides.get(queue)?.rules ?? queueSettings(this.config, queue).alerts;
  }

  describe(queue: string): { rules: AlertRules; source: 'config' | 'override'; updated_by: string | null; updated_at: string | null } {
    const o = this.overrides.get(queue);
    if (o === undefined) return { rules: this.rulesOf(queue), source: 'config', updated_by: null, updated_at: null };
    return { rules: o.rules, source: 'override', updated_by: o.updatedBy, updated_at: new Date(o.updatedAt).toISOString() };
  }

  /** Replaces a queue's rules; resolves once stored, so a 200 means it survives a restart. */
  async set(queue: string, rules: AlertRules, by: string, now: number): Promise<void> {
    const o = { rules, updatedBy: by, updatedAt: now };
    const before = this.overrides.get(queue);
    this.overrides.set(queue, o);
    const snapshot = new Map(this.overrides);
    // Writes in order, so the file or table ends with the latest.
    const write = this.writes.then(() => this.store.save(queue, o, snapshot));
    this.writes = write.catch(() => {});
    try {
      await write;
    } catch (e) {
      // Not stored means not set: the rules in force must be the ones a restart would load.
      if (this.overrides.get(queue) === o) before === undefined ? this.overrides.delete(queue) : this.overrides.set(queue, before);
      throw e;
    }
  }
}
