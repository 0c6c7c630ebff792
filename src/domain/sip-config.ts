/**
 * The SIP edge's configuration: where it listens, its realm, its RTP ports, the trunks it
 * trusts, its limits, and the phone credentials of agents and users (on their own entries).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { Id } from './events.js';

/** `host:port` with a concrete IPv4 address: it is written into Via, Contact and SDP, so peers must reach it. */
export const HostPort = z.string().transform((s, ctx) => {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || isIP(m[1]!) !== 4 || m[1] === '0.0.0.0' || port > 65535) {
    ctx.addIssue({ code: 'custom', message: 'must be IPv4:port with the address phones reach, such as 192.0.2.10:5060 (not 0.0.0.0)' });
    return z.NEVER;
  }
  return { host: m[1]!, port };
});

const Cidr = z.string().refine((s) => {
  const [addr, bits, ...rest] = s.split('/');
  const v = isIP(addr ?? '');
  if (v === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (v === 4 ? 32 : 128);
}, 'must be an address or a CIDR block such as 203.0.113.0/24');

/**
 * Digest algorithms offered in a challenge, in order: a phone uses the first it supports
 * (RFC 8760 §2.4). Some phones give up on any challenge they cannot compute instead of
 * taking the next one (baresip 1.0's libre fails the whole REGISTER when a SHA-256
 * challenge is among them), and a phone that can do both takes the first anyway; so the
 * default offers MD5 alone, and a phone (or the whole edge) that does SHA-256 is given it.
 */
const DigestOrder = z.array(z.enum(['SHA-256', 'MD5'])).min(1).max(2);

/**
 * Media encryption (SDES-SRTP, RFC 4568) of a phone's or a trunk's calls: `off` plain RTP
 * only; `optional` SRTP when the peer offers or accepts it over TLS, plain RTP otherwise;
 * `mandatory` SRTP or no call (a plain offer is answered 488).
 */
export const MediaEncryption = z.enum(['off', 'optional', 'mandatory']);
export type MediaEncryption = z.output<typeof MediaEncryption>;

/** A phone's digest credentials: the SIP user it registers as and its password. */
export const SipCredentials = z.strictObject({
  user: z.string().regex(/^[A-Za-z0-9._~+-]{1,64}$/, 'must be 1-64 letters, digits or . _ ~ + -'),
  password: z.string().min(8, 'must be at least 8 characters'),
  /** The algorithms this phone may use, in the challenge's order (default: sip.digest). */
  digest: DigestOrder.optional(),
  /** This phone's media encryption (default: sip.srtp). */
  srtp: MediaEncryption.optional(),
});
export type SipCredentials = z.output<typeof SipCredentials>;

/** A number callers dial: digits with an optional leading +, or a short code (visual separators are ignored). */
export const DialNumber = z
  .string()
  .transform((s) => normalizeNumber(s))
  .refine((s) => /^\+?[0-9A-Za-z*#]{1,32}$/.test(s), 'must be a number such as +15550100 or 100');

export function normalizeNumber(s: string): string {
  return s.replace(/[\s().-]/g, '');
}

/**
 * A number pattern of an outbound trunk: digits (and a leading +) match themselves, `X` any
 * one digit, a trailing `*` any further digits: `+1XXXXXXXXXX`, `+44*`, `0*`.
 */
const NumberPattern = z.string().regex(/^\+?[0-9X]*\*?$/, 'must be digits, X (any digit) and an optional trailing *, such as +1XXXXXXXXXX or +44*').refine((s) => s.length > 0 && s !== '+', 'must not be empty');

/** Where calls an agent dials from a phone leave for the public network. */
const OutboundTrunk = z.strictObject({
  /** The carrier's (or the PBX's) SIP address. */
  host: z.string().refine((s) => isIP(s) === 4, 'must be an IPv4 address'),
  port: z.number().int().min(1).max(65535).default(5060),
  transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
  /** The numbers this trunk carries, tried in the trunks' order: the first trunk with a matching pattern takes the call. */
  numbers: z.array(NumberPattern).min(1),
  /** The number the called party sees (the From user); absent: the agent's SIP user. */
  caller_id: DialNumber.optional(),
  /** Digest credentials the carrier challenges for (401 or 407); absent: the trunk trusts our address. */
  auth: z.strictObject({ user: z.string().min(1).max(128), password: z.string().min(1).max(256) }).optional(),
});

export const SipTrunk = z
  .strictObject({
    name: Id,
    /** Source addresses whose INVITEs are this trunk's, trusted without digest. */
    from: Cidr.optional(),
    /** Media encryption of this trunk's calls (default: sip.srtp). */
    srtp: MediaEncryption.optional(),
    /**
     * `latch` (the default): the caller's media source is learned from its packets, as
     * for phones; `strict`: media only from the address and port its SDP names (a
     * trunk whose media never crosses a NAT, which wants injected packets dropped even
     * before the stream starts).
     */
    media: z.enum(['latch', 'strict']).default('latch'),
    /** Outbound calls: agents' calls to matching numbers leave through this trunk. */
    outbound: OutboundTrunk.optional(),
  })
  .refine((t) => t.from !== undefined || t.outbound !== undefined, 'a trunk needs `from` (inbound), `outbound`, or both');
export type SipTrunk = z.output<typeof SipTrunk>;

/**
 * SIP over TLS (RFC 3261 §26.2.1): a listener beside UDP and TCP on the same address. The
 * certificate and key are PEM files, read again whenever they change (a renewal needs no
 * restart); a change that does not load keeps the certificate in use and is reported.
 */
const SipTls = z.strictObject({
  /** The TLS port (0: any free port, for tests). */
  port: z.number().int().min(0).max(65535).default(5061),
  /** PEM certificate chain (the server's certificate first). */
  cert: z.string().min(1),
  /** PEM private key of the certificate. */
  key: z.string().min(1),
  /** How often the files are checked for a renewal. */
  reload_check_s: z.number().positive().max(86_400).default(30),
  /** PEM CA bundle that outbound TLS trunks are verified with (absent: the system's CAs). */
  ca: z.string().min(1).optional(),
});

export const SipConfig = z.strictObject({
  listen: HostPort.default({ host: '127.0.0.1', port: 5060 }),
  /** The realm of digest challenges and the host of the engine's own URIs. */
  domain: z.string().min(1).max(200).default('cc-supervisor'),
  rtp: z
    .strictObject({
      /** Where RTP sockets bind and what SDP advertises; the listen address when absent. */
      host: z.string().refine((s) => isIP(s) === 4 && s !== '0.0.0.0', 'must be a concrete IPv4 address').optional(),
      ports: z
        .tuple([z.number().int().min(1024).max(65534), z.number().int().min(1025).max(65535)])
        .refine(([a, b]) => b - a >= 1, 'must be [from, to] with from < to')
        .default([20000, 29999]),
      /**
       * Latching (symmetric RTP): packets in a row, with one SSRC and consecutive sequence
       * numbers, that a source other than the SDP's must send before a leg learns it.
       */
      probation_packets: z.number().int().min(1).max(50).default(3),
      /** After this long without a packet from the learned source, a leg may learn another (a phone that moved). */
      relearn_after_s: z.number().min(0.2).max(300).default(2),
      /** The mean interval between a leg's RTCP reports (RFC 3550: 5 s). */
      rtcp_interval_s: z.number().min(1).max(60).default(5),
      /**
       * Media worker threads for the calls that begin at the edge (their legs, slots and audio
       * room on one worker); 0: every call's media on the main thread.
       */
      workers: z.number().int().min(0).max(64).default(0),
    })
    .prefault({}),
  /** The digest algorithms challenges offer, in order (a phone's own `digest` overrides it). */
  digest: DigestOrder.default(['MD5']),
  /** PBXs and carriers: trusted for inbound INVITEs by source address, and the way out for outbound calls. */
  trunks: z.array(SipTrunk).default([]),
  /** SIP over TLS beside UDP and TCP; absent: no TLS. */
  tls: SipTls.optional(),
  /** Media encryption of accounts and trunks that do not set their own. */
  srtp: MediaEncryption.default('off'),
  limits: z
    .strictObject({
      /** Concurrent calls (caller legs) the edge accepts; more answer 503. */
      calls: z.number().int().min(1).max(100_000).default(1000),
      /** Registered contacts from one source address. */
      registrations_per_address: z.number().int().min(1).max(100_000).default(50),
      /** Contacts one SIP user may register at once. */
      contacts_per_user: z.number().int().min(1).max(20).default(5),
      /**
       * Requests one source address may send per second, on average, and in one burst; more
       * are answered 503 with Retry-After without a transaction (a flood holds no state).
       * Trusted trunks are not limited.
       */
      requests_per_s: z.number().int().min(1).max(100_000).default(50),
      request_burst: z.number().int().min(1).max(100_000).default(200),
    })
    .prefault({}),
  registration: z
    .strictObject({
      min_expires_s: z.number().int().min(10).max(86_400).default(60),
      max_expires_s: z.number().int().min(10).max(86_400).default(3600),
    })
    .prefault({}),
  /**
   * Keep-alives toward registered phones, so a NAT keeps their flow open and a dead flow is
   * found: over TCP a CRLF ping (RFC 5626 §4.4.1), over UDP an OPTIONS request, every
   * `interval_s`. A UDP phone that answers nothing within `timeout_s`, or a TCP connection
   * that closes, loses the bindings it registered over that flow.
   */
  keepalive: z
    .strictObject({
      interval_s: z.number().min(1).max(3600).nullable().default(30),
      timeout_s: z.number().min(0.5).max(120).default(10),
    })
    .prefault({}),
  /** How long a phone may ring a supervisor before the monitoring session fails. */
  monitor_ring_timeout_s: z.number().positive().max(300).default(30),
  /** After-call work of agents on SIP phones ends by itself after this long (null: only when the agent or a supervisor ends it). */
  wrapup_timeout_s: z.number().positive().max(86_400).nullable().default(null),
  /**
   * Feature codes an agent keys on its phone during a call (RFC 4733 digits). `help`: asks a
   * supervisor for help, like POST /cc/me/help (null: no code). Their digits never reach the caller.
   */
  feature_codes: z
    .strictObject({
      help: z.string().regex(/^[0-9*#A-D]{1,8}$/, 'must be 1 to 8 of the keys 0-9 * # A-D').nullable().default('*9'),
      /** The longest pause between two digits of a code before collection starts over. */
      inter_digit_ms: z.number().int().min(200).max(10_000).default(2000),
    })
    .prefault({}),
});
export type SipConfig = z.output<typeof SipConfig>;
