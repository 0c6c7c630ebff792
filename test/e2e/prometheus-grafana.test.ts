/**
 * The Prometheus and Grafana setup shipped in deploy/ and docker-compose.yml, checked
 * against the real engine: `promtool check rules` and `promtool test rules` pass; compose's
 * Prometheus config (as compose interpolates it) passes `promtool check config` and scrapes
 * with the token the engine accepts on /metrics; every metric and label that a recording
 * rule or a Grafana panel names is one the engine exports.
 */
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { startTestEngine, type TestEngine } from '../support/engine.js';
import { removeDir } from '../support/temp-dir.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RULES = join(ROOT, 'deploy/prometheus/rules.yml');
const promtool = (...args: string[]) => {
  const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: ROOT });
  if (r.error) throw new Error(`promtool (Debian package prometheus) must be installed: ${r.error.message}`);
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
};

/** Metric names and the labels of their series in an exposition; histograms also by their _bucket, _sum and _count. */
function exported(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    const names = type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name!];
    for (const n of names) out.set(n, new Set(n.endsWith('_bucket') ? ['le'] : []));
  }
  for (const [, name, labels] of text.matchAll(/^([a-zA-Z_:][\w:]*)\{([^}]*)\}/gm)) {
    for (const [, label] of labels!.matchAll(/([a-zA-Z_]\w*)="/g)) out.get(name!)?.add(label!);
  }
  return out;
}

/** The series selectors of a PromQL expression: metric names with the label names they match on. */
function selectors(expr: string): Array<{ name: string; labels: string[] }> {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const out: Array<{ name: string; labels: string[] }> = [];
  const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
  for (const m of s.matchAll(/([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?/g)) {
    const [, name, braces, call] = m;
    if (call || KEYWORDS.has(name!) || /^\d/.test(name!)) continue;
    out.push({ name: name!, labels: [...(braces ?? '').matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]!) });
  }
  return out;
}

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v) return v;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

let t: TestEngine;
let metrics: Map<string, Set<string>>;
let recorded: Map<string, Set<string>>;
let rules: { groups: Array<{ rules: Array<{ record?: string; alert?: string; expr: string }> }> };

beforeAll(async () => {
  t = await startTestEngine({ config: { queues: [{ id: 'sales-queue' }], agents: [{ id: 'a1', queues: ['sales-queue'] }] } });
  metrics = exported(await (await t.req('/metrics', { as: null })).text());
  rules = parseYaml(await readFile(RULES, 'utf8'));
  // A recording rule's series keep its `by` labels.
  recorded = new Map(rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [[r.record, new Set(['queue'])] as const] : []))));
});
afterAll(async () => t?.stop());

function expectKnown(where: string, expr: string): void {
  const found = selectors(expr);
  expect(found.length, `${where}: ${expr} names no metric`).toBeGreaterThan(0);
  for (const { name, labels } of found) {
    const known = metrics.get(name) ?? recorded.get(name);
    expect(known, `${where}: ${name} is not a metric the engine exports, nor a recording rule`).toBeDefined();
    for (const l of labels) expect([...known!], `${where}: ${name} has no label ${l}`).toContain(l);
  }
}

describe('deploy/prometheus/rules.yml', () => {
  it('passes promtool check rules', () => {
    const r = promtool('check', 'rules', RULES);
    expect(r.out).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('passes its unit tests (promtool test rules): the figures and the four alerts', () => {
    const r = promtool('test', 'rules', join(ROOT, 'deploy/prometheus/rules.test.yml'));
    expect(r.out).toContain('SUCCESS');
    expect(r.ok).toBe(true);
  });

  it('mirrors the four alert types and names only what the engine exports', () => {
    const alerts = rules.groups.flatMap((g) => g.rules.filter((r) => r.alert));
    expect(alerts.map((a) => (a as { labels?: { type?: string } }).labels?.type).sort()).toEqual(['no_available_agents', 'queue_overflow', 'sla_below_threshold', 'wait_timeout']);
    for (const g of rules.groups) for (const r of g.rules) expectKnown(r.record ?? r.alert!, r.expr);
  });
});

describe('docker-compose.yml', () => {
  it("scrapes /metrics with the token the engine is given, with the rules loaded, in a config promtool accepts", async () => {
    const env = { CC_METRICS_TOKEN: 'compose-metrics-token-0123456789', CC_ANALYST_PASSWORD: 'compose-analyst-password-0123', CC_TOKENS: '' };
    const compose = parseYaml(interpolate(await readFile(join(ROOT, 'docker-compose.yml'), 'utf8'), env));
    const engine = compose.services.engine.environment;
    expect(String(engine.CC_METRICS_AUTH)).toBe('true');
    expect(engine.CC_TOKENS.split(',')).toContain(`prometheus:viewer:${env.CC_METRICS_TOKEN}`);
    const prom = parseYaml(compose.configs.prometheus.content);
    expect(prom.scrape_configs[0].authorization).toEqual({ type: 'Bearer', credentials: env.CC_METRICS_TOKEN });
    expect(compose.services.prometheus.volumes).toContain('./deploy/prometheus/rules.yml:/etc/prometheus/rules.yml:ro');
    expect(Object.keys(compose.services)).toContain('grafana');

    const dir = await mkdtemp(join(tmpdir(), 'cc-prom-'));
    try {
      await copyFile(RULES, join(dir, 'rules.yml'));
      await writeFile(join(dir, 'prometheus.yml'), compose.configs.prometheus.content.replace('/etc/prometheus/rules.yml', join(dir, 'rules.yml')));
      const r = promtool('check', 'config', join(dir, 'prometheus.yml'));
      expect(r.out).toContain('SUCCESS');
      expect(r.ok).toBe(true);
    } finally {
      await removeDir(dir);
    }
    expect(compose.services.grafana.volumes).toEqual(
      expect.arrayContaining(['./deploy/grafana/provisioning:/etc/grafana/provisioning:ro', './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
  });
});

describe('the Grafana dashboard', () => {
  it("every panel's query names metrics (and labels) the engine exports, on the provisioned datasource", async () => {
    const dash = JSON.parse(await readFile(join(ROOT, 'deploy/grafana/dashboards/cc-supervisor.json'), 'utf8'));
    const ds = parseYaml(await readFile(join(ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    const uid = ds.datasources[0].uid;
    type Panel = { title: string; type: string; datasource?: { uid: string }; targets?: Array<{ expr: string }>; panels?: Panel[] };
    const panels = (dash.panels as Panel[]).flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');
    expect(panels.length).toBeGreaterThan(10);
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe(uid);
      expect(p.targets?.length, `${p.title} has a query`).toBeGreaterThan(0);
      for (const target of p.targets!) expectKnown(p.title, target.expr.replace(/\$queue/g, '.*'));
    }
    for (const v of dash.templating.list) expectKnown(`variable ${v.name}`, /label_values\((\w+)/.exec(v.query.query)![1]!);
  });
});
