/**
 * Webhook signatures: `X-CC-Signature: t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * The time is signed with the body so a captured delivery cannot be replayed later; the
 * receiver checks the HMAC with its copy of the secret and the age of `t`.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-cc-signature';

export function signPayload(secret: string, timestampMs: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/**
 * True when `header` signs `body` with `secret` and is at most `toleranceMs` old at `now`
 * (the receiver's clock, epoch ms).
 * @example verifySignature(secret, req.headers['x-cc-signature'], rawBody, receivedAtMs)
 */
export function verifySignature(secret: string, header: string | null | undefined, body: string, now: number, toleranceMs = 300_000): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(now - t) > toleranceMs) return false;
  const expected = Buffer.from(signPayload(secret, t, body).slice(-64), 'hex');
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}
