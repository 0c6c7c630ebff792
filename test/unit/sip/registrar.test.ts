/**
 * The registrar's bindings as tables: register, refresh, several contacts, expiry,
 * removal, the limits, out-of-order CSeq; and the directory's lookups.
 */
import { describe, expect, it } from 'vitest';
import { Registrar } from '../../../src/sip/registrar.js';
import { Directory } from '../../../src/sip/directory.js';
import { parseConfig } from '../../../src/domain/index.js';
import type { Flow } from '../../../src/sip/transport.js';

const T0 = Date.parse('2026-06-15T12:00:00Z');
const flow = (address = '198.51.100.7', port = 5060): Flow => ({ transport: 'udp', address, port });
const limits = { minExpiresS: 60, maxExpiresS: 3600, contactsPerUser: 2, registrationsPerAddress: 3 };
const contacts = (r: Registrar, user: string, at = T0) => r.bindings(user, at).map((b) => `${b.contact} @${(b.expiresAt - T0) / 1000}`);

describe('Registrar', () => {
  it('binds, refreshes, adds a second contact, caps expiry at the maximum, and expires', () => {
    const r = new Registrar(limits);
    const o = (cseq: number, now = T0) => ({ callId: 'cid', cseq, flow: flow(), now });
    expect(r.register('1001', [{ contact: 'sip:a@198.51.100.7', expires: 600 }], o(1))).toMatchObject({ ok: true, before: [] });
    expect(r.register('1001', [{ contact: 'sip:a@198.51.100.7', expires: 600 }], o(2, T0 + 100_000)).ok).toBe(true);
    expect(r.register('1001', [{ contact: 'sip:b@198.51.100.7;transport=tcp', expires: 99_999 }], { ...o(1), callId: 'other' }).ok).toBe(true);
    expect(contacts(r, '1001')).toEqual(['sip:a@198.51.100.7 @700', 'sip:b@198.51.100.7;transport=tcp @3600']);
    expect(r.nextExpiry()).toBe(T0 + 700_000);
    expect(r.expire(T0 + 700_000)).toEqual([{ user: '1001', before: expect.any(Array), left: [expect.objectContaining({ contact: 'sip:b@198.51.100.7;transport=tcp' })] }]);
    expect(r.expire(T0 + 3_600_000)).toEqual([{ user: '1001', before: [expect.objectContaining({ contact: 'sip:b@198.51.100.7;transport=tcp' })], left: [] }]);
    expect(r.size).toBe(0);
  });

  it.each([
    ['an interval below the minimum', [{ contact: 'sip:a@h', expires: 30 }], { status: 423, minExpires: 60 }],
    ['Contact: * with a non-zero expiry', [{ contact: '*', expires: 60 }], { status: 400 }],
    ['more contacts than a user may have', [1, 2, 3].map((i) => ({ contact: `sip:${i}@h`, expires: 60 })), { status: 403, reason: 'at most 2 contacts per user' }],
  ])('refuses %s', (_n, cs, want) => {
    expect(new Registrar(limits).register('1001', cs, { callId: 'c', cseq: 1, flow: flow(), now: T0 })).toMatchObject({ ok: false, ...want });
  });

  it('removes one contact with expires=0, all with Contact: *, and refuses an old CSeq of the same Call-ID', () => {
    const r = new Registrar(limits);
    const o = (cseq: number) => ({ callId: 'cid', cseq, flow: flow(), now: T0 });
    r.register('1001', [{ contact: 'sip:a@h', expires: 60 }, { contact: 'sip:b@h', expires: 60 }], o(5));
    expect(r.register('1001', [{ contact: 'sip:a@h', expires: 0 }], o(4))).toMatchObject({ ok: false, status: 500 });
    expect(r.register('1001', [{ contact: 'SIP:A@H', expires: 0 }], o(6))).toMatchObject({ ok: true, bindings: [expect.objectContaining({ contact: 'sip:b@h' })] });
    expect(r.register('1001', [{ contact: '*', expires: 0 }], o(7))).toMatchObject({ ok: true, bindings: [] });
    expect(r.size).toBe(0);
  });

  it('limits registrations from one address, across users; refreshing what is there is always allowed', () => {
    const r = new Registrar(limits);
    const reg = (user: string, c: string, address = '198.51.100.7') => r.register(user, [{ contact: c, expires: 60 }], { callId: user, cseq: 1, flow: flow(address), now: T0 });
    expect([reg('u1', 'sip:1@h'), reg('u1', 'sip:2@h'), reg('u2', 'sip:3@h')].every((x) => x.ok)).toBe(true);
    expect(reg('u3', 'sip:4@h')).toMatchObject({ ok: false, status: 403, reason: 'too many registrations from 198.51.100.7' });
    expect(reg('u3', 'sip:4@h', '198.51.100.8').ok).toBe(true);
    expect(r.register('u1', [{ contact: 'sip:1@h', expires: 120 }], { callId: 'u1', cseq: 2, flow: flow(), now: T0 }).ok).toBe(true);
  });
});

describe('Directory', () => {
  const d = new Directory(
    parseConfig({
      queues: [{ id: 'sales', numbers: ['+1 555-0100', '100'] }],
      agents: [{ id: 'a1', sip: { user: '1001', password: 'secret-1001' } }, { id: 'sim1' }],
      users: [{ name: 'sup', role: 'supervisor', token_sha256: 'a'.repeat(64), sip: { user: '2001', password: 'secret-2001' } }],
      sip: { trunks: [{ name: 'pbx', from: '203.0.113.0/24' }, { name: 'v6', from: '2001:db8::1' }] },
    }),
  );
  it('finds accounts, queues by number and trunks by address', () => {
    expect(d.account('1001')).toEqual({ kind: 'agent', id: 'a1', user: '1001', password: 'secret-1001' });
    expect(d.account('2001')?.kind).toBe('user');
    expect(d.account('9999')).toBeUndefined();
    expect([d.hasPhone('a1'), d.hasPhone('sim1')]).toEqual([true, false]);
    expect([d.queueOf('+15550100'), d.queueOf('+1 (555) 0100'), d.queueOf('100'), d.queueOf('101')]).toEqual(['sales', 'sales', 'sales', undefined]);
    expect([d.trunkOf('203.0.113.77'), d.trunkOf('203.0.114.1'), d.trunkOf('2001:db8::1')]).toEqual(['pbx', undefined, 'v6']);
  });
});
