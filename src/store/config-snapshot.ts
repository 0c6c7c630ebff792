/**
 * The part of the configuration history is judged by, written to `config_snapshots` so the
 * analysts' views (sql/070_analytics.sql) judge attempts by the same settings as the reports
 * API: the time zone, the defaults and each queue's service level settings, the agents'
 * names and queues. Never users, tokens, webhooks or SIP credentials.
 */
import type { ClickHouseClient } from '@clickhouse/client';
import type { Config } from '../domain/index.js';
import { chTime } from './client.js';
import { storeSql } from './sql-files.js';

/** What the views read, as JSON: only the fields named here leave the configuration. */
export function configSnapshot(config: Config): string {
  const sl = (s: Config['queue_defaults']['service_level']) => ({
    threshold_s: s.threshold_s,
    target_pct: s.target_pct,
    formula: s.formula,
    short_abandon_s: s.short_abandon_s,
    exclude_short_abandons: s.exclude_short_abandons,
  });
  return JSON.stringify({
    timezone: config.timezone,
    defaults: sl(config.queue_defaults.service_level),
    queues: config.queues.map((q) => ({ id: q.id, name: q.name ?? q.id, ...sl(q.service_level) })),
    agents: config.agents.map((a) => ({ id: a.id, name: a.name ?? a.id, team: a.team, queues: a.queues })),
  });
}

/**
 * Writes the snapshot as a new version unless the newest stored one is the same. Two engines
 * starting together on one server may both write the same version with the same text: the
 * table keeps one of them, and either is right.
 */
export async function publishConfig(client: ClickHouseClient, config: Config, now: number): Promise<{ version: number; written: boolean }> {
  const text = configSnapshot(config);
  const rs = await client.query({ query: storeSql('newest_config'), format: 'JSONEachRow' });
  const [newest] = await rs.json<{ version: number | string; config: string }>();
  if (newest && newest.config === text) return { version: Number(newest.version), written: false };
  const version = Number(newest?.version ?? 0) + 1;
  await client.insert({ table: 'config_snapshots', values: [{ version, written_at: chTime(now), config: text }], format: 'JSONEachRow' });
  return { version, written: true };
}
