/**
 * The transaction machines as tables: a list of inputs, and after each the state and the
 * actions (sends shown as the request method or the response status, timers as name+ms).
 */
import { describe, expect, it } from 'vitest';
import { newTransaction, step, type Transaction, type TxAction, type TxInput, type TxKind } from '../../../src/sip/transaction.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';

const req = (method: string): SipRequest => ({ kind: 'request', method, uri: 'sip:a@b', headers: [], body: Buffer.alloc(0) });
const res = (status: number): SipResponse => ({ kind: 'response', status, reason: '', headers: [], body: Buffer.alloc(0) });

const show = (a: TxAction): string => {
  switch (a.type) {
    case 'send':
      return `send ${a.message.kind === 'request' ? a.message.method : a.message.status}`;
    case 'deliver':
      return `deliver ${a.message.kind === 'request' ? a.message.method : a.message.status}`;
    case 'set-timer':
      return `set ${a.name} ${a.ms}`;
    case 'clear-timer':
      return `clear ${a.name}`;
    default:
      return a.type;
  }
};

type Row = [TxInput, string, string[]];
function run(kind: TxKind, method: string, reliable: boolean, rows: Row[]): void {
  let tx: Transaction = newTransaction(kind, req(method), reliable);
  for (const [input, state, actions] of rows) {
    const s = step(tx, input, () => req('ACK'));
    tx = s.tx;
    expect([tx.state, s.actions.map(show)], JSON.stringify(input)).toEqual([state, actions]);
  }
}
const start: TxInput = { type: 'start' };
const timer = (name: 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M'): TxInput => ({ type: 'timer', name });
const got = (status: number): TxInput => ({ type: 'response', message: res(status) });
const respond = (status: number): TxInput => ({ type: 'respond', message: res(status) });
const again = (method: string): TxInput => ({ type: 'request', message: req(method) });

describe('INVITE client (RFC 3261 §17.1.1, RFC 6026)', () => {
  it('UDP: retransmits on A with doubling, 180 stops it, a 486 is ACKed and absorbed until D', () =>
    run('invite-client', 'INVITE', false, [
      [start, 'calling', ['send INVITE', 'set A 500', 'set B 32000']],
      [timer('A'), 'calling', ['send INVITE', 'set A 1000']],
      [timer('A'), 'calling', ['send INVITE', 'set A 2000']],
      [got(180), 'proceeding', ['clear A', 'clear B', 'deliver 180']],
      [got(486), 'completed', ['clear A', 'clear B', 'send ACK', 'deliver 486', 'set D 32000']],
      [got(486), 'completed', ['send ACK']],
      [timer('D'), 'terminated', ['terminated']],
    ]));
  it('a 2xx goes to the user, and its retransmissions too (the user ACKs them), until M', () =>
    run('invite-client', 'INVITE', false, [
      [start, 'calling', ['send INVITE', 'set A 500', 'set B 32000']],
      [got(200), 'accepted', ['clear A', 'clear B', 'deliver 200', 'set M 32000']],
      [got(200), 'accepted', ['deliver 200']],
      [timer('M'), 'terminated', ['terminated']],
    ]));
  it('no answer: timer B times out', () =>
    run('invite-client', 'INVITE', false, [
      [start, 'calling', ['send INVITE', 'set A 500', 'set B 32000']],
      [timer('B'), 'terminated', ['timeout', 'clear A', 'terminated']],
      [got(200), 'terminated', []],
    ]));
  it('TCP: no timer A, and a final non-2xx ends it at once', () =>
    run('invite-client', 'INVITE', true, [
      [start, 'calling', ['send INVITE', 'set B 32000']],
      [got(603), 'terminated', ['clear A', 'clear B', 'send ACK', 'deliver 603', 'terminated']],
    ]));
});

describe('non-INVITE client (§17.1.2)', () => {
  it('UDP: E doubles up to T2, a 1xx keeps it at T2, the final waits K', () =>
    run('non-invite-client', 'BYE', false, [
      [start, 'trying', ['send BYE', 'set E 500', 'set F 32000']],
      [timer('E'), 'trying', ['send BYE', 'set E 1000']],
      [timer('E'), 'trying', ['send BYE', 'set E 2000']],
      [timer('E'), 'trying', ['send BYE', 'set E 4000']],
      [timer('E'), 'trying', ['send BYE', 'set E 4000']],
      [got(100), 'proceeding', ['deliver 100']],
      [timer('E'), 'proceeding', ['send BYE', 'set E 4000']],
      [got(200), 'completed', ['deliver 200', 'clear E', 'clear F', 'set K 5000']],
      [got(200), 'completed', []],
      [timer('K'), 'terminated', ['terminated']],
    ]));
  it('no response: F times out', () =>
    run('non-invite-client', 'OPTIONS', false, [
      [start, 'trying', ['send OPTIONS', 'set E 500', 'set F 32000']],
      [timer('F'), 'terminated', ['timeout', 'clear E', 'terminated']],
    ]));
  it('a transport error ends it with a timeout for the user', () =>
    run('non-invite-client', 'OPTIONS', true, [
      [start, 'trying', ['send OPTIONS', 'set F 32000']],
      [{ type: 'transport-error' }, 'terminated', ['timeout', 'terminated']],
    ]));
});

describe('INVITE server (§17.2.1, RFC 6026)', () => {
  it('a non-2xx final is retransmitted on G until the ACK, then absorbed until I', () =>
    run('invite-server', 'INVITE', false, [
      [respond(180), 'proceeding', ['send 180']],
      [again('INVITE'), 'proceeding', ['send 180']],
      [respond(486), 'completed', ['send 486', 'set G 500', 'set H 32000']],
      [again('INVITE'), 'completed', ['send 486']],
      [timer('G'), 'completed', ['send 486', 'set G 1000']],
      [again('ACK'), 'confirmed', ['clear G', 'clear H', 'set I 5000']],
      [again('ACK'), 'confirmed', []],
      [timer('I'), 'terminated', ['terminated']],
    ]));
  it('no ACK: H times out', () =>
    run('invite-server', 'INVITE', false, [
      [respond(404), 'completed', ['send 404', 'set G 500', 'set H 32000']],
      [timer('H'), 'terminated', ['timeout', 'clear G', 'terminated']],
    ]));
  it('a 2xx: accepted, INVITE retransmissions absorbed (the dialog retransmits the 2xx), until L', () =>
    run('invite-server', 'INVITE', false, [
      [respond(200), 'accepted', ['send 200', 'set L 32000']],
      [again('INVITE'), 'accepted', []],
      [respond(200), 'accepted', []],
      [timer('L'), 'terminated', ['terminated']],
    ]));
});

describe('non-INVITE server (§17.2.2)', () => {
  it('UDP: the final is sent again for each retransmission, until J', () =>
    run('non-invite-server', 'REGISTER', false, [
      [again('REGISTER'), 'trying', []],
      [respond(100), 'proceeding', ['send 100']],
      [again('REGISTER'), 'proceeding', ['send 100']],
      [respond(200), 'completed', ['send 200', 'set J 32000']],
      [again('REGISTER'), 'completed', ['send 200']],
      [respond(500), 'completed', []],
      [timer('J'), 'terminated', ['terminated']],
    ]));
  it('TCP: done as soon as the final is sent', () =>
    run('non-invite-server', 'BYE', true, [[respond(200), 'terminated', ['send 200', 'terminated']]]));
});
