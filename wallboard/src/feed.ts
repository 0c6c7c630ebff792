/**
 * The wallboard's live feed: one Socket.IO connection, the views the open page joined, and
 * the age of the data. After a reconnect every joined view is joined again and its
 * snapshot replaces what the page shows: no reload, no gap. The connection signs in with
 * the page's session cookie (the browser sends it; the page never holds a token).
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, Snapshots, ViewRequest } from '../../src/realtime/protocol.js';
import { heardEngineTime } from './clock.js';

type Handler<E extends keyof ServerToClientEvents> = ServerToClientEvents[E];
interface Joined {
  request: ViewRequest;
  onSnapshot: (data: never) => void;
  onError: (message: string) => void;
}

export class Feed {
  readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  /** Client clock (ms) of the last thing heard from the server; null before any. */
  lastHeard: number | null = null;
  private readonly joined = new Set<Joined>();
  private closed = false;

  constructor(onAuthError: (message: string) => void) {
    this.socket = io({ transports: ['websocket'], reconnectionDelay: 500, reconnectionDelayMax: 2000 });
    // The session ended (sign-out elsewhere, a limit, the provider, a revoked display link): the server closes the socket next.
    this.socket.on('session:ended', (e) => onAuthError(e.reason));
    this.socket.on('connect', () => {
      this.lastHeard = Date.now();
      for (const j of this.joined) this.send(j);
    });
    this.socket.on('connect_error', (e) => {
      // A refused token is final; anything else is the network, and socket.io retries.
      if (!this.socket.active) onAuthError(e.message);
    });
    this.socket.on('disconnect', (reason) => {
      // The server closing the socket (an engine restart) is not retried by socket.io itself.
      if (reason === 'io server disconnect') setTimeout(() => this.closed || this.socket.connect(), 1000);
    });
    this.socket.onAny(() => (this.lastHeard = Date.now()));
    this.socket.on('session:ready', (s) => heardEngineTime(s.now));
    this.socket.on('feed:pulse', (p) => heardEngineTime(p.now));
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Joins a view; `onSnapshot` runs now and again after every reconnect. Returns leave(). */
  join<V extends ViewRequest>(request: V, onSnapshot: (data: Snapshots[V['view']]) => void, onError: (message: string) => void = () => {}): () => void {
    const j: Joined = { request, onSnapshot: onSnapshot as (data: never) => void, onError };
    this.joined.add(j);
    if (this.socket.connected) this.send(j);
    return () => {
      this.joined.delete(j);
      if (this.socket.connected) this.socket.emit('leave', request);
    };
  }

  on<E extends keyof ServerToClientEvents>(event: E, handler: Handler<E>): () => void {
    this.socket.on(event, handler as never);
    return () => void this.socket.off(event, handler as never);
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }

  private send(j: Joined): void {
    this.socket.emit('join', j.request, (res) => {
      if (!this.joined.has(j)) return;
      this.lastHeard = Date.now();
      if ('error' in res) j.onError(res.error);
      else j.onSnapshot(res.data as never);
    });
  }
}
