/**
 * Leases among engines on one stream, in JetStream KV (bucket `CC_LEASES`, entries expire
 * `ttlMs` after their last write): the history lease (one engine writes history at a time)
 * and the telephony registry (which engine runs the driver that executes call control, and
 * at which URL). The holder renews every third of the TTL; when it dies the entry lapses
 * and another engine's next try takes it. Holding is a value (`held`), never an exception.
 *
 * Two holders at once are harmless for history, only wasteful: every write is idempotent
 * and both engines fold the same decisions into the same rows (the checkpoint keeps the
 * highest seq). So a holder that cannot renew stops writing at once, and the lease is an
 * economy, not the guard of correctness.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

export const LEASE_BUCKET = 'CC_LEASES';

export interface LeaseHolder {
  engine: string;
  /** Where the engine answers (CC_ADVERTISE_URL), when it said. */
  url: string | null;
}

export interface Leases {
  /** Holds (or keeps holding) `key` for this engine; false when another engine does. */
  hold(key: string): Promise<boolean>;
  /** Gives `key` up (a clean stop): the next engine need not wait for the TTL. */
  release(key: string): Promise<void>;
  /** Who holds `key` now (null: nobody). */
  holder(key: string): Promise<LeaseHolder | null>;
  /** Holders of keys under `prefix.` (the telephony registry). */
  holders(prefix: string): Promise<LeaseHolder[]>;
  readonly ttlMs: number;
}

export async function kvLeases(nc: NatsConnection, me: LeaseHolder, ttlMs: number, bucket = LEASE_BUCKET): Promise<Leases> {
  const kv: KV = await new Kvm(nc).create(bucket, { history: 1, ttl: ttlMs });
  const revisions = new Map<string, number>();
  const value = JSON.stringify(me);
  const read = async (key: string): Promise<LeaseHolder | null> => {
    const e = await kv.get(key);
    return e && e.operation === 'PUT' ? e.json<LeaseHolder>() : null;
  };
  return {
    ttlMs,
    async hold(key) {
      const rev = revisions.get(key);
      try {
        // Renew what we hold (only if nobody wrote it since), or take it when it is free.
        revisions.set(key, rev === undefined ? await kv.create(key, value) : await kv.update(key, value, rev));
        return true;
      } catch {
        revisions.delete(key);
        // Ours all the same (a renewal whose answer was lost): take its revision and go on.
        const e = await kv.get(key).catch(() => null);
        if (e && e.operation === 'PUT' && e.json<LeaseHolder>().engine === me.engine) {
          revisions.set(key, e.revision);
          return true;
        }
        return false;
      }
    },
    async release(key) {
      const rev = revisions.get(key);
      revisions.delete(key);
      if (rev !== undefined) await kv.delete(key, { previousSeq: rev }).catch(() => {});
    },
    holder: read,
    async holders(prefix) {
      const out: LeaseHolder[] = [];
      for await (const k of await kv.keys(`${prefix}.*`)) {
        const h = await read(k);
        if (h) out.push(h);
      }
      return out;
    },
  };
}

export const PROGRESS_BUCKET = 'CC_ALERTS';

/** A number the engines on a stream share for good (no TTL): how far something was done. */
export interface Progress {
  get(key: string): Promise<number | null>;
  /** Raises `key` to `value` (never lowers it: a late write of a holder that lost its lease). */
  raise(key: string, value: number): Promise<void>;
}

export async function kvProgress(nc: NatsConnection, bucket = PROGRESS_BUCKET): Promise<Progress> {
  const kv: KV = await new Kvm(nc).create(bucket, { history: 1 });
  const get = async (key: string) => {
    const e = await kv.get(key);
    return e && e.operation === 'PUT' ? Number(e.string()) : null;
  };
  return {
    get,
    async raise(key, value) {
      for (let tries = 0; tries < 5; tries++) {
        const e = await kv.get(key);
        const now = e && e.operation === 'PUT' ? Number(e.string()) : null;
        if (now !== null && now >= value) return;
        try {
          // Compare-and-set, so two writers never lower it.
          await (e === null ? kv.create(key, String(value)) : kv.update(key, String(value), e.revision));
          return;
        } catch {
          // Written meanwhile: read again.
        }
      }
    },
  };
}
