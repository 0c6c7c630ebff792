/**
 * Digest authentication of a phone's request: REGISTER, or an INVITE from outside a
 * trusted trunk. No credentials: a 401 challenge per algorithm, in the order the phone's
 * account (or the edge) gives (RFC 8760 §2.4: the client takes the first it supports).
 * Wrong credentials, or an algorithm the account does not allow: 403. An expired nonce: a
 * new challenge with stale=true, so the phone retries without asking its user.
 */
import { responseTo } from '../build.js';
import { challengeHeader, parseCredentials, verifyCredentials } from '../digest.js';
import { parseNameAddr, parseUri } from '../headers.js';
import type { Account } from '../directory.js';
import { header, type SipRequest, type SipResponse } from '../message.js';
import type { EdgeContext } from './context.js';

export type Authenticated = { ok: true; account: Account } | { ok: false; response: SipResponse; why: string };

export function authenticate(ctx: EdgeContext, req: SipRequest): Authenticated {
  const now = ctx.clock.now();
  const realm = ctx.sip.domain;
  // The challenge follows the account the request names (From), before it is proven.
  const claimed = ctx.directory.account(parseUri(parseNameAddr(header(req, 'from') ?? '')?.uri ?? '')?.user ?? '');
  const allowed = claimed?.digest ?? ctx.sip.digest;
  const challenge = (stale: boolean, why: string): Authenticated => {
    const nonce = ctx.nonces.issue(now);
    const hs = allowed.map((algorithm): [string, string] => ['WWW-Authenticate', challengeHeader({ realm, nonce, algorithm, stale })]);
    return { ok: false, response: responseTo(req, 401, { headers: hs }), why };
  };
  const value = header(req, 'authorization');
  if (value === undefined) return challenge(false, 'no credentials');
  const c = parseCredentials(value);
  if (!c) return { ok: false, response: responseTo(req, 403, { reason: 'Forbidden (unusable credentials)' }), why: 'unusable credentials' };
  const account = ctx.directory.account(c.username);
  if (account && !(account.digest ?? ctx.sip.digest).includes(c.algorithm)) return { ok: false, response: responseTo(req, 403, { reason: `Forbidden (${c.algorithm} is not allowed for this phone)` }), why: 'algorithm not allowed' };
  const v = verifyCredentials(c, { method: req.method, realm, nonces: ctx.nonces, now, password: (u) => ctx.directory.account(u)?.password });
  if (!v.ok) {
    if (v.stale) return challenge(true, v.reason);
    return { ok: false, response: responseTo(req, 403, { reason: 'Forbidden (wrong credentials)' }), why: v.reason };
  }
  return { ok: true, account: ctx.directory.account(v.username)! };
}
