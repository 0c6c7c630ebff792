/**
 * The four transaction state machines of RFC 3261 §17 (with RFC 6026's Accepted state for
 * INVITE), as one pure step function: a transaction and an input give the transaction's
 * next state and what to do (send, set or clear a timer, hand a message to the
 * transaction user). The shell (stack.ts) runs the timers and the sockets.
 */
import type { SipRequest, SipResponse } from './message.js';

export const T1 = 500;
export const T2 = 4000;
export const T4 = 5000;

export type TxKind = 'invite-client' | 'non-invite-client' | 'invite-server' | 'non-invite-server';
export type TxState = 'calling' | 'trying' | 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M';

export interface Transaction {
  kind: TxKind;
  state: TxState;
  /** Reliable transport (TCP): no retransmissions, zero-length wait timers. */
  reliable: boolean;
  request: SipRequest;
  /** The last response sent (server) or the ACK for a non-2xx final (client INVITE). */
  last: SipResponse | SipRequest | null;
  /** The current retransmission interval of timers A, E or G. */
  interval: number;
}

export type TxInput =
  | { type: 'start' }
  | { type: 'response'; message: SipResponse }
  | { type: 'request'; message: SipRequest }
  | { type: 'respond'; message: SipResponse }
  | { type: 'timer'; name: TimerName }
  | { type: 'transport-error' };

export type TxAction =
  | { type: 'send'; message: SipRequest | SipResponse }
  | { type: 'set-timer'; name: TimerName; ms: number }
  | { type: 'clear-timer'; name: TimerName }
  /** A response for the client's user, or an ACK of a 2xx for the server's user. */
  | { type: 'deliver'; message: SipResponse | SipRequest }
  /** No final response (client), or no ACK (server): the user hears of it. */
  | { type: 'timeout' }
  | { type: 'terminated' };

export function newTransaction(kind: TxKind, request: SipRequest, reliable: boolean): Transaction {
  const state: TxState = kind === 'invite-client' ? 'calling' : kind === 'invite-server' ? 'proceeding' : 'trying';
  return { kind, state, reliable, request, last: null, interval: T1 };
}

export interface Step {
  tx: Transaction;
  actions: TxAction[];
}

/**
 * @example step(newTransaction('non-invite-client', req, false), { type: 'start' })
 * // → actions: send req, set-timer E 500, set-timer F 32000
 */
export function step(tx: Transaction, input: TxInput, buildAck?: (res: SipResponse) => SipRequest): Step {
  const t: Transaction = { ...tx };
  const out: TxAction[] = [];
  if (t.state === 'terminated') return { tx: t, actions: out };
  if (input.type === 'transport-error') {
    t.state = 'terminated';
    out.push({ type: 'timeout' }, { type: 'terminated' });
    return { tx: t, actions: out };
  }
  switch (t.kind) {
    case 'invite-client':
      inviteClient(t, input, out, buildAck);
      break;
    case 'non-invite-client':
      nonInviteClient(t, input, out);
      break;
    case 'invite-server':
      inviteServer(t, input, out);
      break;
    case 'non-invite-server':
      nonInviteServer(t, input, out);
      break;
  }
  return { tx: t, actions: out };
}

function end(t: Transaction, out: TxAction[], ...timers: TimerName[]): void {
  for (const name of timers) out.push({ type: 'clear-timer', name });
  t.state = 'terminated';
  out.push({ type: 'terminated' });
}

/** A wait timer: zero on a reliable transport, where it ends the transaction at once. */
function wait(t: Transaction, out: TxAction[], name: TimerName, ms: number): void {
  if (t.reliable) end(t, out);
  else out.push({ type: 'set-timer', name, ms });
}

function inviteClient(t: Transaction, i: TxInput, out: TxAction[], buildAck?: (res: SipResponse) => SipRequest): void {
  if (i.type === 'start' && t.state === 'calling') {
    out.push({ type: 'send', message: t.request });
    if (!t.reliable) out.push({ type: 'set-timer', name: 'A', ms: T1 });
    out.push({ type: 'set-timer', name: 'B', ms: 64 * T1 });
    return;
  }
  if (i.type === 'timer') {
    if (i.name === 'A' && t.state === 'calling') {
      t.interval *= 2;
      out.push({ type: 'send', message: t.request }, { type: 'set-timer', name: 'A', ms: t.interval });
    } else if (i.name === 'B' && t.state === 'calling') {
      out.push({ type: 'timeout' });
      end(t, out, 'A');
    } else if ((i.name === 'D' && t.state === 'completed') || (i.name === 'M' && t.state === 'accepted')) end(t, out);
    return;
  }
  if (i.type !== 'response') return;
  const s = i.message.status;
  if (t.state === 'calling' || t.state === 'proceeding') {
    if (s < 200) {
      if (t.state === 'calling') out.push({ type: 'clear-timer', name: 'A' }, { type: 'clear-timer', name: 'B' });
      t.state = 'proceeding';
      out.push({ type: 'deliver', message: i.message });
    } else if (s < 300) {
      out.push({ type: 'clear-timer', name: 'A' }, { type: 'clear-timer', name: 'B' }, { type: 'deliver', message: i.message });
      t.state = 'accepted';
      out.push({ type: 'set-timer', name: 'M', ms: 64 * T1 });
    } else {
      t.last = buildAck ? buildAck(i.message) : null;
      out.push({ type: 'clear-timer', name: 'A' }, { type: 'clear-timer', name: 'B' });
      if (t.last) out.push({ type: 'send', message: t.last });
      out.push({ type: 'deliver', message: i.message });
      t.state = 'completed';
      if (t.reliable) end(t, out);
      else out.push({ type: 'set-timer', name: 'D', ms: 32_000 });
    }
  } else if (t.state === 'accepted' && s >= 200 && s < 300) {
    out.push({ type: 'deliver', message: i.message }); // a 2xx retransmission: the user ACKs again
  } else if (t.state === 'completed' && s >= 300 && t.last) {
    out.push({ type: 'send', message: t.last });
  }
}

function nonInviteClient(t: Transaction, i: TxInput, out: TxAction[]): void {
  if (i.type === 'start' && t.state === 'trying') {
    out.push({ type: 'send', message: t.request });
    if (!t.reliable) out.push({ type: 'set-timer', name: 'E', ms: T1 });
    out.push({ type: 'set-timer', name: 'F', ms: 64 * T1 });
    return;
  }
  if (i.type === 'timer') {
    if (i.name === 'E' && (t.state === 'trying' || t.state === 'proceeding')) {
      t.interval = t.state === 'trying' ? Math.min(2 * t.interval, T2) : T2;
      out.push({ type: 'send', message: t.request }, { type: 'set-timer', name: 'E', ms: t.interval });
    } else if (i.name === 'F' && (t.state === 'trying' || t.state === 'proceeding')) {
      out.push({ type: 'timeout' });
      end(t, out, 'E');
    } else if (i.name === 'K' && t.state === 'completed') end(t, out);
    return;
  }
  if (i.type !== 'response' || (t.state !== 'trying' && t.state !== 'proceeding')) return;
  out.push({ type: 'deliver', message: i.message });
  if (i.message.status < 200) {
    t.state = 'proceeding';
    return;
  }
  out.push({ type: 'clear-timer', name: 'E' }, { type: 'clear-timer', name: 'F' });
  t.state = 'completed';
  wait(t, out, 'K', T4);
}

function inviteServer(t: Transaction, i: TxInput, out: TxAction[]): void {
  if (i.type === 'request') {
    if (i.message.method === 'ACK') {
      if (t.state === 'completed') {
        out.push({ type: 'clear-timer', name: 'G' }, { type: 'clear-timer', name: 'H' });
        t.state = 'confirmed';
        wait(t, out, 'I', T4);
      }
      return;
    }
    // A retransmitted INVITE: the last provisional or non-2xx final again (RFC 6026: not the 2xx).
    if ((t.state === 'proceeding' || t.state === 'completed') && t.last) out.push({ type: 'send', message: t.last });
    return;
  }
  if (i.type === 'respond') {
    if (t.state !== 'proceeding') return;
    const s = i.message.status;
    t.last = i.message;
    out.push({ type: 'send', message: i.message });
    if (s < 200) return;
    if (s < 300) {
      t.state = 'accepted';
      out.push({ type: 'set-timer', name: 'L', ms: 64 * T1 });
      return;
    }
    t.state = 'completed';
    if (!t.reliable) out.push({ type: 'set-timer', name: 'G', ms: T1 });
    out.push({ type: 'set-timer', name: 'H', ms: 64 * T1 });
    return;
  }
  if (i.type !== 'timer') return;
  if (i.name === 'G' && t.state === 'completed' && t.last) {
    t.interval = Math.min(2 * t.interval, T2);
    out.push({ type: 'send', message: t.last }, { type: 'set-timer', name: 'G', ms: t.interval });
  } else if (i.name === 'H' && t.state === 'completed') {
    out.push({ type: 'timeout' });
    end(t, out, 'G');
  } else if ((i.name === 'I' && t.state === 'confirmed') || (i.name === 'L' && t.state === 'accepted')) end(t, out);
}

function nonInviteServer(t: Transaction, i: TxInput, out: TxAction[]): void {
  if (i.type === 'request') {
    if ((t.state === 'proceeding' || t.state === 'completed') && t.last) out.push({ type: 'send', message: t.last });
    return;
  }
  if (i.type === 'respond') {
    if (t.state !== 'trying' && t.state !== 'proceeding') return;
    t.last = i.message;
    out.push({ type: 'send', message: i.message });
    if (i.message.status < 200) t.state = 'proceeding';
    else {
      t.state = 'completed';
      wait(t, out, 'J', 64 * T1);
    }
    return;
  }
  if (i.type === 'timer' && i.name === 'J' && t.state === 'completed') end(t, out);
}
