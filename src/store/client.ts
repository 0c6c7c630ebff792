/**
 * The one ClickHouse client the store talks through: `@clickhouse/client` over either an
 * in-process chDB engine (embedded default, data in `dataDir`) or a ClickHouse server by URL.
 * Everything above this file runs the same SQL on both.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseClientConfigOptions } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';

export interface StoreTarget {
  /** chDB data directory (embedded). Used when no url is given. */
  dataDir?: string;
  /** ClickHouse server, e.g. http://user:pass@host:8123/db. */
  url?: string;
}

export interface OpenedClient {
  client: ClickHouseClient;
  kind: 'chdb' | 'server';
  /** Where the data lives, for health and logs (the URL without credentials). */
  where: string;
  /** A reader of long raw results (exports), opened per use and closed after it. */
  openRawReader: () => RawReader;
}

/**
 * Streams a query's output bytes as the engine makes them (a query with its own FORMAT), so a
 * long result never sits whole in memory: with chDB a session of its own (chDB runs one stream
 * per session, and the store's session stays free for the writer and the reports), with a
 * server the HTTP body.
 */
export interface RawReader {
  stream(query: string, params: Record<string, string>): AsyncIterable<Uint8Array>;
  close(): void;
}

/**
 * Opens the client. chDB is one engine per process and data directory, so a process holds
 * one store; a second chDB store on another directory in the same process is refused by chDB.
 */
export function openClient(target: StoreTarget): OpenedClient {
  if (target.url) {
    const u = new URL(target.url);
    const where = `${u.protocol}//${u.host}${u.pathname}`;
    const client = createClient({ url: target.url, request_timeout: 120_000 });
    return { client, kind: 'server', where, openRawReader: () => serverRawReader(client) };
  }
  const dir = resolve(target.dataDir ?? 'data/history');
  mkdirSync(dir, { recursive: true });
  // chdb types its Connection against its own copy of @clickhouse/client-common; the shape is
  // the same contract (chdb's README), only the declaration files differ.
  const connection = createChdbConnection({ path: dir }) as unknown as ClickHouseClientConfigOptions['connection'];
  return { client: createClient({ connection }), kind: 'chdb', where: dir, openRawReader: () => chdbRawReader(dir) };
}

function chdbRawReader(dir: string): RawReader {
  const session = new Session(dir);
  return {
    async *stream(query, params) {
      for await (const chunk of session.queryStreamBind(query, params, { format: 'TabSeparatedRaw' })) yield chunk.raw();
    },
    close: () => session.close(),
  };
}

function serverRawReader(client: ClickHouseClient): RawReader {
  return {
    async *stream(query, params) {
      // wait_end_of_query: a failure is reported as an error, not as text in the body.
      const { stream } = await client.exec({ query, query_params: params, clickhouse_settings: { wait_end_of_query: 1 } });
      yield* stream as AsyncIterable<Buffer>;
    },
    close: () => undefined,
  };
}

/** A DateTime64(3) query parameter value from epoch ms or an ISO string (always UTC). */
export function chTime(t: number | string): string {
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** ISO 8601 UTC from a ClickHouse 'YYYY-MM-DD hh:mm:ss[.mmm]' string. */
export function isoTime(ch: string): string {
  const [date, time = '00:00:00'] = ch.split(' ');
  const withMs = time.includes('.') ? time : `${time}.000`;
  return `${date}T${withMs}Z`;
}
