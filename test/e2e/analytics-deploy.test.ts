/**
 * Distributed mode's analysts' door, read from the files docker-compose.yml starts: the
 * ClickHouse server's `analyst` user (deploy/clickhouse/users.d/analyst.xml) is read-only,
 * reads cc_analytics and nothing else, has limits it cannot lift and a password of its own
 * (never the engines'); Grafana has the ClickHouse data source as that user beside Prometheus,
 * and the trends dashboard is on it. The views run with their creator's rights (SQL SECURITY
 * DEFINER), which is what lets a user granted cc_analytics alone read them. (No ClickHouse
 * server runs here: chDB has no users, so the user file is checked as written; the views'
 * queries run in analytics.test.ts.)
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { splitStatements } from '../../src/store/migrate.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFile(join(ROOT, path), 'utf8');

/** docker compose's ${VAR}, ${VAR:-default} and ${VAR:?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const v = env[name];
    if (v) return v;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A small reader for the configuration XML ClickHouse takes (elements, attributes, text, comments). */
function parseXml(text: string): XmlElement {
  const src = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const root: XmlElement = { name: '#root', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([\w.-]+)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  for (const m of src.matchAll(tag)) {
    const top = stack[stack.length - 1]!;
    if (m[5] !== undefined) {
      top.text += m[5].trim();
      continue;
    }
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      expect(top.name, `</${name}> closes <${top.name}>`).toBe(name);
      stack.pop();
      continue;
    }
    const attrs = Object.fromEntries([...attrText!.matchAll(/([\w.-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    const el: XmlElement = { name: name!, attrs, children: [], text: '' };
    top.children.push(el);
    if (!selfClosing) stack.push(el);
  }
  expect(stack.length, 'every element is closed').toBe(1);
  return root.children[0]!;
}
const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
const path = (el: XmlElement, ...names: string[]) => names.reduce<XmlElement | undefined>((e, n) => child(e, n), el);

const ENV = { CC_METRICS_TOKEN: 'compose-metrics-token-0123456789', CC_ANALYST_PASSWORD: 'compose-analyst-password-0123', CC_TOKENS: '' };

describe("docker-compose.yml's ClickHouse users", () => {
  it('mounts the analyst user, whose password is its own variable, required, and never the engines\' user or password', async () => {
    const text = await read('docker-compose.yml');
    expect(() => interpolate(text, { ...ENV, CC_ANALYST_PASSWORD: '' })).toThrow(/CC_ANALYST_PASSWORD/);
    const compose = parseYaml(interpolate(text, ENV));
    const ch = compose.services.clickhouse;
    expect(ch.volumes).toContain('./deploy/clickhouse/users.d/analyst.xml:/etc/clickhouse-server/users.d/analyst.xml:ro');
    expect(ch.environment.CC_ANALYST_PASSWORD).toBe(ENV.CC_ANALYST_PASSWORD);
    const engineUser = ch.environment.CLICKHOUSE_USER;
    expect(engineUser).not.toBe('analyst');
    expect(ch.environment.CLICKHOUSE_PASSWORD).not.toBe(ENV.CC_ANALYST_PASSWORD);
    for (const name of ['engine', 'engine-b']) {
      const url = new URL(compose.services[name].environment.CLICKHOUSE_URL);
      expect(url.username, `${name} signs in as the engine's user`).toBe(engineUser);
      expect(JSON.stringify(compose.services[name].environment)).not.toContain(ENV.CC_ANALYST_PASSWORD);
    }
  });

  it('the analyst user is read-only with limits it cannot lift, and may read cc_analytics only', async () => {
    const xml = parseXml(await read('deploy/clickhouse/users.d/analyst.xml'));
    expect(xml.name).toBe('clickhouse');
    const users = child(xml, 'users')!.children;
    expect(users.map((u) => u.name)).toEqual(['analyst']);
    const analyst = users[0]!;
    // The password comes from the container's environment: none is written in the file.
    expect(child(analyst, 'password')).toMatchObject({ attrs: { from_env: 'CC_ANALYST_PASSWORD' }, text: '' });
    expect(analyst.children.map((c) => c.name).filter((n) => /password|ssh_keys|ldap|kerberos/.test(n))).toEqual(['password']);
    expect(child(analyst, 'access_management')?.text).toBe('0');
    // Grants: SELECT on the analysts' database, nothing else (no FILE, URL, REMOTE, S3, no temporary tables, no other database).
    const grants = child(analyst, 'grants')!.children.map((g) => g.text);
    expect(grants).toEqual(['GRANT SELECT ON cc_analytics.*']);
    for (const g of grants) {
      const m = /^GRANT\s+(.+?)\s+ON\s+(\S+)$/i.exec(g)!;
      expect(m[1]!.split(',').map((p) => p.trim().toUpperCase())).toEqual(['SELECT']);
      expect(m[2]).toBe('cc_analytics.*');
    }
    const profileName = child(analyst, 'profile')!.text;
    const profile = path(xml, 'profiles', profileName)!;
    const setting = (n: string) => child(profile, n)?.text;
    // readonly = 1: no INSERT, ALTER, DELETE, DDL, SET or SETTINGS, no temporary tables.
    expect(setting('readonly')).toBe('1');
    expect(setting('allow_introspection_functions')).toBe('0');
    expect(Number(setting('max_execution_time'))).toBeGreaterThan(0);
    expect(Number(setting('max_memory_usage'))).toBeGreaterThan(0);
    expect(Number(setting('max_result_rows'))).toBeGreaterThan(0);
    expect(Number(setting('max_rows_to_read'))).toBeGreaterThan(0);
    expect(setting('result_overflow_mode')).toBe('throw');
    // The one setting a read-only client may still set is max_execution_time (Grafana's plugin does), up to the profile's own.
    const constraints = child(profile, 'constraints')!.children;
    expect(constraints.map((c) => c.name)).toEqual(['max_execution_time']);
    expect(child(constraints[0], 'max')?.text).toBe(setting('max_execution_time'));
    expect(child(constraints[0], 'changeable_in_readonly')).toBeDefined();
    expect(child(path(xml, 'quotas', child(analyst, 'quota')!.text), 'interval')).toBeDefined();
  });

  it('docs/analytics.md gives the same grant and profile in SQL', async () => {
    const docs = await read('docs/analytics.md');
    expect(docs).toContain('GRANT SELECT ON cc_analytics.* TO analyst;');
    expect(docs).toMatch(/readonly = 1,\s+max_execution_time = 60 MAX 60 CHANGEABLE_IN_READONLY/);
  });

  it('every cc_analytics view runs with its creator\'s rights (SQL SECURITY DEFINER): a user granted cc_analytics alone reads them', async () => {
    const dir = join(ROOT, 'sql');
    const views: string[] = [];
    for (const f of (await readdir(dir)).filter((f) => f.endsWith('.sql'))) {
      for (const s of splitStatements(await readFile(join(dir, f), 'utf8'))) {
        if (/^CREATE (OR REPLACE )?VIEW/i.test(s)) {
          expect(s, s.slice(0, 60)).toMatch(/^CREATE OR REPLACE VIEW cc_analytics\.\w+ SQL SECURITY DEFINER AS/);
          views.push(/cc_analytics\.(\w+)/.exec(s)![1]!);
        }
      }
    }
    // A later migration may redefine a view (071 gives calls its names): each view once.
    expect([...new Set(views)].sort()).toEqual(['agent_intervals_15m', 'agent_states', 'agents', 'calls', 'center', 'queue_attempts', 'queue_intervals_15m', 'queues']);
  });
});

describe("Grafana's data sources and the trends dashboard", () => {
  it('ClickHouse as the analyst user, on cc_analytics, beside Prometheus; the plugin installed; the trends dashboard on it', async () => {
    const compose = parseYaml(interpolate(await read('docker-compose.yml'), ENV));
    const grafana = compose.services.grafana;
    expect(String(grafana.environment.GF_INSTALL_PLUGINS).split(',')).toContain('grafana-clickhouse-datasource');
    expect(grafana.environment.CC_ANALYST_PASSWORD).toBe(ENV.CC_ANALYST_PASSWORD);
    expect(grafana.depends_on).toEqual(expect.arrayContaining(['prometheus', 'clickhouse']));
    const dir = 'deploy/grafana/provisioning/datasources';
    const sources = [];
    for (const f of (await readdir(join(ROOT, dir))).sort()) sources.push(...parseYaml(await read(`${dir}/${f}`)).datasources);
    expect(sources.map((s: { type: string }) => s.type).sort()).toEqual(['grafana-clickhouse-datasource', 'prometheus']);
    const ch = sources.find((s: { type: string }) => s.type === 'grafana-clickhouse-datasource');
    expect(ch.jsonData).toMatchObject({ protocol: 'http', host: 'clickhouse', port: 8123, username: 'analyst', defaultDatabase: 'cc_analytics' });
    // Grafana reads $CC_ANALYST_PASSWORD from its environment when it provisions the source.
    expect(ch.secureJsonData).toEqual({ password: '$CC_ANALYST_PASSWORD' });
    expect(compose.services.clickhouse.environment.CLICKHOUSE_USER).not.toBe(ch.jsonData.username);
    const dash = JSON.parse(await read('deploy/grafana/dashboards/cc-trends.json')) as { uid: string; panels: Array<{ datasource: { uid: string; type: string }; targets: Array<{ datasource: { uid: string }; rawSql: string }> }> };
    expect(dash.uid).toBe('cc-trends');
    for (const p of dash.panels) {
      expect(p.datasource).toEqual({ type: 'grafana-clickhouse-datasource', uid: ch.uid });
      for (const tg of p.targets) {
        expect(tg.datasource.uid).toBe(ch.uid);
        // Only the analysts' views, fully named (the data source's default database is a default, not a rule).
        for (const m of tg.rawSql.matchAll(/\b(?:FROM|JOIN)\s+([\w.]+)/gi)) expect(m[1], tg.rawSql.slice(0, 80)).toMatch(/^cc_analytics\./);
      }
    }
  });
});
