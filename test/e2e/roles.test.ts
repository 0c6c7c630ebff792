/**
 * Roles × routes. The table below is the least role of every operation, as the tables of
 * docs/api.md state it; the test holds three things to it: docs/api.md (every row parsed), the
 * OpenAPI document (`x-cc-role` of every operation) and the engine's answers (each role,
 * and no token, on every operation: with ids that exist, ids that do not, and a broken
 * body). A role below the least one is 403 before anything else: never a 400 that tells
 * what a valid body is, never a 404 that tells which ids exist. An operation missing from
 * the table, or a row for one that is gone, fails the test.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleRank } from '../../src/api/auth.js';
import { ROLES, type Role } from '../../src/domain/index.js';
import { startApiFixture } from '../support/api-fixture.js';
import type { TestEngine } from '../support/engine.js';
import { operationsOf, type Doc, type Operation } from '../support/openapi-doc.js';
import { SchemaFuzz } from '../support/schema-fuzz.js';
import { TEST_NOW } from '../support/time.js';

const ROLE_OF: Record<string, Role> = {
  ingestEvents: 'manager',
  listRejectedEvents: 'manager',
  listQuarantinedEvents: 'manager',
  getRealtime: 'viewer',
  getQueueDetail: 'viewer',
  listAgents: 'viewer',
  getAgent: 'viewer',
  listActiveCalls: 'viewer',
  getCall: 'viewer',
  addCallNote: 'supervisor',
  getServiceLevel: 'viewer',
  getForecast: 'viewer',
  requestHelp: 'viewer',
  cancelHelp: 'viewer',
  listHelpRequests: 'supervisor',
  joinHelpRequest: 'supervisor',
  getCallsReport: 'viewer',
  getAgentsReport: 'viewer',
  getSlaTrend: 'viewer',
  getCallVolume: 'viewer',
  getDashboardTimeseries: 'viewer',
  getDashboardSummary: 'viewer',
  exportCallsReport: 'viewer',
  exportAgentsReport: 'viewer',
  listAlerts: 'viewer',
  listWebhookDeliveries: 'manager',
  getAlert: 'viewer',
  acknowledgeAlert: 'supervisor',
  getAlertRules: 'viewer',
  setAlertRules: 'manager',
  resetAlertRules: 'manager',
  startMonitoring: 'supervisor',
  listMonitoringSessions: 'supervisor',
  switchMonitoringMode: 'supervisor',
  stopMonitoring: 'supervisor',
  openBrowserMedia: 'supervisor',
  endBrowserMedia: 'supervisor',
  trickleBrowserMedia: 'supervisor',
  submitAfterCallWork: 'supervisor',
  transferCall: 'supervisor',
  completeConsultation: 'supervisor',
  cancelConsultation: 'supervisor',
  endCall: 'manager',
  holdCall: 'supervisor',
  resumeCall: 'supervisor',
  setAgentState: 'supervisor',
  setOwnAgentState: 'viewer',
  getSipStatus: 'manager',
  listAudit: 'manager',
  listDisplayLinks: 'admin',
  createDisplayLink: 'admin',
  revokeDisplayLink: 'admin',
};

let t: TestEngine;
let doc: Doc;
let ops: Operation[];
/** Ids that exist in this engine, by path parameter name. */
let known: Record<string, string>;

beforeAll(async () => {
  const f = await startApiFixture();
  ({ t, doc } = f);
  known = Object.fromEntries(Object.entries(f.ids).map(([k, v]) => [k, v[0]!]));
  ops = operationsOf(doc);
});
afterAll(async () => t?.stop());

/** One plain request for an operation, with ids that exist (or, with `unknown`, ids that do not). */
function request(op: Operation, o: { unknown?: boolean; brokenBody?: boolean } = {}): [string, RequestInit] {
  const fuzz = new SchemaFuzz(doc);
  const time = new Date(TEST_NOW).toISOString();
  let path = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(o.unknown ? 'no-such-id' : (known[name] ?? 'no-such-id')));
  const query = op.parameters.filter((p) => p.in === 'query' && p.required).map((p) => [p.name, String(fuzz.example(p.schema, time))]);
  if (query.length) path += `?${new URLSearchParams(query)}`;
  const content = op.requestBody?.content;
  if (!content) return [path, { method: op.method.toUpperCase() }];
  const [type, media] = Object.entries(content)[0]!;
  const body = o.brokenBody ? '{"unexpected_field": 1}' : JSON.stringify(fuzz.example(media.schema, time));
  return [path, { method: op.method.toUpperCase(), body, headers: { 'content-type': type } }];
}

/** The chain of live rights: an analyst reads as a viewer does (its own door, /clickhouse, is outside the document: analytics-door.test.ts). */
const rank = (r: Role) => roleRank(r);

describe('roles × routes', () => {
  it('the table names every operation of the document, and the document says the same role', () => {
    expect(Object.keys(ROLE_OF).sort()).toEqual(ops.map((o) => o.operationId).sort());
    for (const op of ops) expect(op.role, op.operationId).toBe(ROLE_OF[op.operationId]);
  });

  it("docs/api.md's tables list every operation with the same role", async () => {
    const page = await readFile(new URL('../../docs/api.md', import.meta.url), 'utf8');
    const rows = new Map<string, string>();
    for (const line of page.split('\n')) {
      // Cells split on unescaped pipes (`\|` is a pipe inside a cell).
      const [, method, where, who] = line.split(/(?<!\\)\|/).map((c) => c.trim());
      if (!method || !/^(GET|POST|PUT|PATCH|DELETE)$/.test(method) || !where || !who) continue;
      const path = /^`([^`?]+)/.exec(where)?.[1];
      const role = /^[a-z]+/.exec(who)?.[0];
      if (!path || !role) continue;
      rows.set(`${method} ${path}`, role);
      // "`/cc/…/complete` or `/cancel`": the same path with its last segment swapped.
      const alternative = /` or `(\/[a-z]+)`/.exec(where)?.[1];
      if (alternative) rows.set(`${method} ${path.replace(/\/[a-z]+$/, alternative)}`, role);
    }
    const fromDoc = new Map(ops.map((o) => [`${o.method.toUpperCase()} ${o.path}`, ROLE_OF[o.operationId]]));
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(fromDoc));
  });

  it('no token: 401 on every operation', async () => {
    const failures: string[] = [];
    for (const op of ops) {
      const [path, init] = request(op);
      const res = await t.req(path, { ...init, as: null });
      if (res.status !== 401) failures.push(`${op.operationId} → ${res.status}`);
    }
    expect(failures).toEqual([]);
  });

  it('below the least role: 403 before the body, the parameters or the ids are looked at; at or above it, never 401 or 403', async () => {
    const failures: string[] = [];
    for (const role of ROLES) {
      for (const op of ops) {
        const least = ROLE_OF[op.operationId]!;
        if (rank(role) < rank(least)) {
          for (const variant of [{}, { unknown: true }, ...(op.requestBody ? [{ brokenBody: true }] : [])]) {
            const [path, init] = request(op, variant);
            const res = await t.req(path, { ...init, as: role });
            if (res.status !== 403) failures.push(`${role} ${op.operationId} ${JSON.stringify(variant)} → ${res.status}, not 403`);
          }
        } else {
          const [path, init] = request(op);
          const res = await t.req(path, { ...init, as: role });
          if (res.status === 401 || res.status === 403) failures.push(`${role} ${op.operationId} → ${res.status}: ${(await res.text()).slice(0, 160)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
