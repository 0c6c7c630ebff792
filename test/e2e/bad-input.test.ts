/**
 * Bad input never gives a 500: every route of the OpenAPI document, every method, with
 * malformed queries and bodies (broken JSON, wrong types, huge numbers, nulls, bad ids,
 * bad time zones, wrong content types) answers a 4xx naming the problem.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from '../support/engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ config: { queues: [{ id: 'sales-queue' }] } });
});
afterAll(async () => t?.stop());

const BODIES = ['', '{', 'null', '[]', '"x"', '{"action":5}', '{"mode":"x"}', '{"note":""}', '{"target":""}', `{"a":${'1'.repeat(5000)}}`, '{"comment":{"x":1}}', '{"sla_below_threshold":{"min_offered":-1}}'];
const QUERIES = ['', '?from=x&to=y', '?window=zz', '?limit=-1', '?limit=abc&offset=-5', '?state=nope&queue=%00', '?minutes=99999', '?interval=year', '?tz=Nope/Nope&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', `?queue=${'q'.repeat(500)}`];

describe('bad input', () => {
  it('no route answers 5xx to malformed requests, and every 4xx is a problem document', async () => {
    const doc = await (await t.req('/cc/openapi.json', { as: null })).json();
    const failures: string[] = [];
    let count = 0;
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      const concrete = path.replace('/cc/queues/{queue}', '/cc/queues/sales-queue').replace(/\{[^}]+\}/g, 'no%20such');
      for (const method of Object.keys(ops)) {
        const bodies = method === 'get' || method === 'delete' ? [undefined] : BODIES;
        for (const q of QUERIES) {
          for (const body of bodies) {
            for (const type of ['application/json', 'text/plain']) {
              const res = await t.req(concrete + q, { method: method.toUpperCase(), body, headers: { 'content-type': type }, as: 'admin' });
              count++;
              if (res.status >= 500) failures.push(`${res.status} ${method} ${concrete}${q} ${body?.slice(0, 30)} (${type})`);
              // POST /cc/events answers 422 with its per-event results when every event was rejected.
              else if (res.status >= 400 && !(res.status === 422 && path === '/cc/events') && !(res.headers.get('content-type') ?? '').includes('problem+json')) failures.push(`${res.status} not a problem document: ${method} ${concrete}${q}`);
            }
          }
        }
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });
});
