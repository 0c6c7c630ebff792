/**
 * Where sign-in state outlives a restart (sessions, display links): one narrow interface,
 * two places. Embedded: a JSON file per kind in `<data>/auth/`, readable by its owner only,
 * replaced atomically (temp file, fsync, rename), so a crash leaves the old file or the new
 * one. Distributed: JetStream KV, one entry per record, so every engine behind one address
 * knows every session and sees another engine's sign-out or revocation at once.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Kvm, type KV, type KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { syncDirectory } from '../bus/index.js';

export interface AuthRecords<T> {
  readonly where: string;
  /** Every record, at start. */
  load(): Promise<Map<string, T>>;
  put(key: string, value: T): Promise<void>;
  delete(key: string): Promise<void>;
  /** Records other engines put or deleted (value null), after load(); the file has none. */
  watch(onChange: (key: string, value: T | null) => void): Promise<void>;
  close(): Promise<void>;
}

/** `<dataDir>/auth/<name>.json`: the whole map, rewritten at each change (a few hundred records at most). */
export function fileRecords<T>(dataDir: string, name: string): AuthRecords<T> {
  const dir = join(dataDir, 'auth');
  const path = join(dir, `${name}.json`);
  const records = new Map<string, T>();
  // Writes go one after another, each of the whole map as it is when it starts.
  let chain: Promise<void> = Promise.resolve();
  const write = () => {
    chain = chain.then(async () => {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const temp = `${path}.tmp`;
      const fh = await open(temp, 'w', 0o600);
      try {
        await fh.writeFile(JSON.stringify(Object.fromEntries(records)));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(temp, path);
      syncDirectory(dir);
    });
    return chain;
  };
  return {
    where: path,
    async load() {
      records.clear();
      try {
        const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, T>;
        for (const [k, v] of Object.entries(parsed)) records.set(k, v);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${path} cannot be read (${(e as Error).message}); move it aside to start without its records`);
      }
      return new Map(records);
    },
    put(key, value) {
      records.set(key, value);
      return write();
    },
    delete(key) {
      if (!records.delete(key)) return chain;
      return write();
    },
    async watch() {},
    async close() {
      await chain.catch(() => {});
    },
  };
}

export const AUTH_BUCKET = 'CC_AUTH';

/** JetStream KV bucket `CC_AUTH`, keys `<name>.<key>` (keys are hex or base64url: valid KV tokens). */
export async function kvRecords<T>(nc: NatsConnection, name: string, bucket = AUTH_BUCKET): Promise<AuthRecords<T>> {
  const kv: KV = await new Kvm(nc).create(bucket, { history: 1 });
  let stopWatch: (() => void) | undefined;
  return {
    where: `JetStream KV ${bucket}/${name}.*`,
    async load() {
      const out = new Map<string, T>();
      const keys: string[] = [];
      for await (const k of await kv.keys(`${name}.*`)) keys.push(k);
      for (const k of keys) {
        const e = await kv.get(k);
        if (e && e.operation === 'PUT') out.set(k.slice(name.length + 1), e.json<T>());
      }
      return out;
    },
    async put(key, value) {
      await kv.put(`${name}.${key}`, JSON.stringify(value));
    },
    async delete(key) {
      await kv.delete(`${name}.${key}`);
    },
    async watch(onChange) {
      const iter = await kv.watch({ key: `${name}.*`, include: 'updates' });
      stopWatch = () => iter.stop();
      void (async () => {
        for await (const e of iter as AsyncIterable<KvWatchEntry>) {
          const key = e.key.slice(name.length + 1);
          onChange(key, e.operation === 'PUT' ? e.json<T>() : null);
        }
      })().catch(() => {});
    },
    async close() {
      stopWatch?.();
    },
  };
}
