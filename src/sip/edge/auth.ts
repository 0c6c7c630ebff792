/**
 * Digest authentication of a phone's request: REGISTER, or an INVITE from outside a
 * trusted trunk. No credentials: a 401 challenge per algorithm the edge offers
 * (`sip.digest`), in order (RFC 8760 §2.4: the client takes the first it supports). The
 * challenge is the same whoever the request claims to be, and every failure of known and
 * unknown users alike is the same 403, so neither tells a prober which accounts exist.
 * Credentials that are not qop=auth: 403; whose uri is not the Request-URI: 400. An expired
 * nonce: a new challenge with stale=true, so the phone retries without asking its user.
 */
import { responseTo } from '../build.js';
import { challengeHeader, parseCredentials, verifyCredentials } from '../digest.js';
import type { Account } from '../directory.js';
import { header, type SipRequest, type SipResponse } from '../message.js';
import type { EdgeContext } from './context.js';

export type Authenticated = { ok: true; account: Account } | { ok: false; response: SipResponse; why: string };

export function authenticate(ctx: EdgeContext, req: SipRequest): Authenticated {
  const now = ctx.clock.now();
  const realm = ctx.sip.domain;
  const challenge = (stale: boolean, why: string): Authenticated => {
    const nonce = ctx.nonces.issue(now);
    const hs = ctx.sip.digest.map((algorithm): [string, string] => ['WWW-Authenticate', challengeHeader({ realm, nonce, algorithm, stale })]);
    return { ok: false, response: responseTo(req, 401, { headers: hs }), why };
  };
  const forbidden = (why: string): Authenticated => ({ ok: false, response: responseTo(req, 403, { reason: 'Forbidden (wrong credentials)' }), why });
  const value = header(req, 'authorization');
  if (value === undefined) return challenge(false, 'no credentials');
  const c = parseCredentials(value);
  if (!c) return { ok: false, response: responseTo(req, 403, { reason: 'Forbidden (unusable credentials)' }), why: 'unusable credentials' };
  if (c.qop !== 'auth') return { ok: false, response: responseTo(req, 403, { reason: 'Forbidden (digest needs qop=auth)' }), why: 'no qop' };
  const v = verifyCredentials(c, { method: req.method, requestUri: req.uri, realm, nonces: ctx.nonces, now, password: (u) => ctx.directory.account(u)?.password });
  if (!v.ok) {
    if (v.malformed) return { ok: false, response: responseTo(req, 400, { reason: `Bad Request (${v.reason})` }), why: v.reason };
    if (v.stale) return challenge(true, v.reason);
    return forbidden(v.reason);
  }
  const account = ctx.directory.account(v.username)!;
  // A phone held to some algorithms (its account's `digest`) may not use another: the same 403 as a wrong password.
  if (!(account.digest ?? ctx.sip.digest).includes(c.algorithm)) return forbidden(`${c.algorithm} is not allowed for ${account.user}`);
  return { ok: true, account };
}
