/**
 * A connection that fails fails the requests sent on it (RFC 3261 §17.1.4) at once, through
 * the transaction machine's transport-error input: a real SipTransport and SipStack send an
 * INVITE over TCP to a port nothing listens on, and the transaction user hears of it long
 * before timer B (32 s) would have told it.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBranch, viaFor } from '../../src/sip/build.js';
import { request } from '../../src/sip/message.js';
import { SipStack } from '../../src/sip/stack.js';
import { SipTransport } from '../../src/sip/transport.js';
import { until } from '../support/sip/lab.js';

/** A TCP port that was free a moment ago (nothing listens on it now). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('a failed connection fails its transactions at once', () => {
  let transport: SipTransport;
  let stack: SipStack;

  beforeAll(async () => {
    transport = new SipTransport('127.0.0.1');
    await transport.start(0);
    stack = new SipStack(transport, { onRequest: () => {}, onAck: () => {}, onCancel: () => {}, onStrayResponse: () => {} });
  });
  afterAll(async () => {
    stack.stop();
    await transport.stop();
  });

  it('an INVITE over TCP to a closed port times out through the transport error, well before timer B', async () => {
    const port = await closedPort();
    const invite = request('INVITE', `sip:+15557770123@127.0.0.1:${port};transport=tcp`, [
      ['Via', viaFor('tcp', '127.0.0.1', transport.port, newBranch())],
      ['Max-Forwards', '70'],
      ['From', '<sip:cc@127.0.0.1>;tag=a1'],
      ['To', '<sip:+15557770123@127.0.0.1>'],
      ['Call-ID', 'transport-error-1@127.0.0.1'],
      ['CSeq', '1 INVITE'],
    ]);
    let failed = false;
    const responses: number[] = [];
    stack.request(invite, { transport: 'tcp', address: '127.0.0.1', port }, { onResponse: (r) => responses.push(r.status), onTimeout: () => (failed = true) });
    // Timer B is 32 s: a deadline well inside it tells the transport error from the timer.
    await until('the transaction failed', () => failed, 20_000);
    expect(responses).toEqual([]);
    expect(stack.size).toBe(0);
    expect(transport.health()).toMatchObject({ ok: true, detail: expect.stringContaining('ECONNREFUSED') });
  });
});
