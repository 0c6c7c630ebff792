/**
 * A real nats-server killed and restarted while a client posts a day's events in chunks
 * over HTTP and retries a chunk whenever it is answered 503 (after its Retry-After): every
 * chunk ends up 200, the stream holds every event once and in the order sent (so each
 * call's and agent's events are in order), no event is rejected for its order, and the
 * figures equal a clean run of the same events.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoConfig, parseConfig, type CallEvent } from '../../src/domain/index.js';
import { startNatsServer, type NatsServer } from '../fixtures/nats-server.js';
import { settled, startTestEngine, TOKENS, type TestEngine } from '../support/engine.js';
import { cleanRun, hoursToNow, snapshot } from '../support/views.js';

const CHUNK = 500;
let nats: NatsServer;
beforeAll(async () => {
  nats = await startNatsServer();
});
afterAll(async () => nats?.stop());

interface Client {
  sent: number;
  unavailable: Array<{ chunk: number; retryAfter: string | null; cause: string; notStored: number }>;
  other: Array<{ chunk: number; status: number; body: string }>;
}

/** Posts each chunk over the wire until it is answered 200; a 503 waits Retry-After, then sends it again. */
async function postAll(t: TestEngine, chunks: CallEvent[][], client: Client): Promise<void> {
  for (let c = 0; c < chunks.length; c++) {
    const body = chunks[c]!.map((e) => JSON.stringify(e)).join('\n');
    for (;;) {
      const res = await fetch(`${t.engine.url}/cc/events`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.manager}`, 'content-type': 'application/x-ndjson' }, body });
      if (res.status === 200) break;
      const text = await res.text();
      if (res.status !== 503) {
        client.other.push({ chunk: c, status: res.status, body: text.slice(0, 500) });
        return;
      }
      const problem = JSON.parse(text) as { cause: string; not_stored: number };
      client.unavailable.push({ chunk: c, retryAfter: res.headers.get('retry-after'), cause: problem.cause, notStored: problem.not_stored });
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000));
    }
    client.sent = c + 1;
  }
}

describe('ingest through a NATS outage', () => {
  it('a client retrying on 503 ends with every event once, in order, and the figures of a clean run', async () => {
    const config = demoConfig();
    const events = hoursToNow(21, 6);
    const chunks: CallEvent[][] = [];
    for (let i = 0; i < events.length; i += CHUNK) chunks.push(events.slice(i, i + CHUNK));
    const t = await startTestEngine({ config, natsUrl: nats.url });
    try {
      const client: Client = { sent: 0, unavailable: [], other: [] };
      const posting = postAll(t, chunks, client);
      await vi.waitFor(() => expect(client.sent).toBeGreaterThanOrEqual(Math.floor(chunks.length / 3)), { timeout: 60_000, interval: 5 });
      await nats.kill();
      // Down long enough for a retry to meet the outage too (answered at once: the connection is known down).
      await vi.waitFor(() => expect(client.unavailable.length).toBeGreaterThanOrEqual(2), { timeout: 30_000, interval: 20 });
      await nats.restart();
      await posting;

      expect(client.other).toEqual([]);
      expect(client.unavailable.map((u) => u.cause)).toContain('unavailable');
      expect(client.sent).toBe(chunks.length);
      for (const u of client.unavailable) {
        expect(u.retryAfter).toBe('2');
        expect(['timeout', 'unavailable']).toContain(u.cause);
      }
      await vi.waitFor(async () => expect(await t.engine.log.health()).toMatchObject({ ok: true }), { timeout: 15_000 });
      await settled(t);
      const stored = await t.engine.log.read(1);
      // Beside the client's events, the alerts the engine judged (logged on a stream: alert.fired, alert.resolved).
      const judged = (e: CallEvent) => e.type === 'alert.fired' || e.type === 'alert.resolved';
      expect(stored.filter((e) => !judged(e.event)).map((e) => e.event.id)).toEqual(events.map((e) => e.id));
      const runner = t.engine.pipeline.runner;
      expect(runner.counts.rejected).toEqual({});
      const now = t.clock.now();
      expect(snapshot(runner, now)).toEqual(cleanRun(parseConfig(config), stored.map((e) => e.event), now));

      // The document says so too: 503 and 507 with Retry-After and the per-event results.
      const doc = (await (await t.req('/cc/openapi.json')).json()) as { paths: Record<string, { post: { responses: Record<string, { headers?: object; content: object }> } }> };
      for (const status of ['503', '507']) {
        const r = doc.paths['/cc/events']!.post.responses[status]!;
        expect(r.headers).toHaveProperty('Retry-After');
        expect(JSON.stringify(r.content)).toContain('IngestNotStored');
      }
    } finally {
      await t.stop();
    }
  });
});
