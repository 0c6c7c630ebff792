/**
 * Snapshots in JetStream KV (distributed mode): bucket `CC_SNAPSHOTS`, one snapshot per
 * engine. A snapshot is larger than a NATS message may be, so it is cut into chunks under
 * `<engine>.g<generation>.<n>` and a head entry `<engine>.head` names the generation and
 * its chunk count; the head is written last, so a reader sees the old snapshot or the new
 * one whole (the checksum in the envelope checks that too), and the old chunks are purged after.
 */
import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { SnapshotStore, StoredSnapshot } from './store.js';

export const SNAPSHOT_BUCKET = 'CC_SNAPSHOTS';

interface Head {
  gen: number;
  chunks: number;
  bytes: number;
}

/** A KV key token from an engine name (letters, digits, - and _). */
export function keyToken(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_') || 'engine';
}

export async function kvSnapshotStore(nc: NatsConnection, engine: string, bucket = SNAPSHOT_BUCKET): Promise<SnapshotStore> {
  const kv: KV = await new Kvm(nc).create(bucket, { history: 1 });
  const me = keyToken(engine);
  // Stay well under the server's largest message (1 MiB by default).
  const chunkBytes = Math.max(64 * 1024, Math.min(nc.info?.max_payload ?? 1024 * 1024, 8 * 1024 * 1024) - 64 * 1024);
  const headOf = async (token: string): Promise<Head | null> => {
    const e = await kv.get(`${token}.head`);
    return e && e.operation === 'PUT' ? e.json<Head>() : null;
  };
  const read = (token: string, head: Head) => async (): Promise<Buffer> => {
    // Every chunk asked for at once: one round trip's wait, not one per megabyte.
    const entries = await Promise.all(Array.from({ length: head.chunks }, (_, i) => kv.get(`${token}.g${head.gen}.${i}`)));
    // A missing chunk makes a short snapshot, which the envelope's length and checksum refuse.
    return Buffer.concat(entries.flatMap((e) => (e && e.operation === 'PUT' ? [e.value] : [])));
  };
  return {
    where: `JetStream KV ${bucket}/${me}`,
    async save(bytes) {
      const old = await headOf(me);
      const gen = (old?.gen ?? 0) + 1;
      const chunks = Math.ceil(bytes.length / chunkBytes);
      for (let i = 0; i < chunks; i++) await kv.put(`${me}.g${gen}.${i}`, bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes));
      await kv.put(`${me}.head`, JSON.stringify({ gen, chunks, bytes: bytes.length } satisfies Head));
      if (old) for (let i = 0; i < old.chunks; i++) await kv.purge(`${me}.g${old.gen}.${i}`);
    },
    async list() {
      const out: StoredSnapshot[] = [];
      const tokens = new Set<string>();
      for await (const k of await kv.keys('*.head')) tokens.add(k.slice(0, -'.head'.length));
      for (const token of tokens) {
        const head = await headOf(token);
        if (head) out.push({ source: `JetStream KV ${bucket}/${token}`, read: read(token, head) });
      }
      return out;
    },
    async close() {},
  };
}
