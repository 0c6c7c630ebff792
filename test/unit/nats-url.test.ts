/** NATS URLs with credentials: lifted into nats.js's connect options, the URL dialled carries none. */
import { describe, expect, it } from 'vitest';
import { natsTarget } from '../../src/bus/nats-url.js';

describe('natsTarget', () => {
  it.each([
    ['nats://cc-engine:secret@nats:4222', { servers: 'nats://nats:4222', user: 'cc-engine', pass: 'secret' }],
    ['nats://s3cr3t-token@127.0.0.1:4222', { servers: 'nats://127.0.0.1:4222', token: 's3cr3t-token' }],
    ['nats://a%40b:p%3Aw@h:1', { servers: 'nats://h:1', user: 'a@b', pass: 'p:w' }],
    ['nats://127.0.0.1:4222', { servers: 'nats://127.0.0.1:4222' }],
    ['127.0.0.1:4222', { servers: '127.0.0.1:4222' }],
  ])('%s', (url, target) => {
    expect(natsTarget(url)).toEqual(target);
  });
});
