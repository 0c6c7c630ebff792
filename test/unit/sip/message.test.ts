/**
 * SIP messages as tables: what the parser reads from real phones' bytes (baresip's
 * REGISTER, RFC 4475 torture shapes), what it refuses and why, and that serialize → parse
 * gives the message back.
 */
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../src/sip/parse.js';
import { header, headers, serialize, splitList, type SipRequest } from '../../../src/sip/message.js';
import { StreamFramer } from '../../../src/sip/framing.js';
import { markReceived, responseTo } from '../../../src/sip/build.js';
import { formatUri, parseAuth, parseNameAddr, parseUri, parseVia } from '../../../src/sip/headers.js';

const crlf = (lines: string[], body = '') => Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body);

const REGISTER = crlf([
  'REGISTER sip:198.51.100.1:5060 SIP/2.0',
  'Via: SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK67cfffc38bbccb15;rport',
  'Contact: <sip:1001-0x55814275bf30@198.51.100.1:15060>;expires=60',
  'Max-Forwards: 70',
  'To: <sip:1001@198.51.100.1:5060>',
  'From: <sip:1001@198.51.100.1:5060>;tag=9b7237c813f98288',
  'Call-ID: d690b1bc89cafe42',
  'CSeq: 50424 REGISTER',
  'User-Agent: baresip v1.0.0 (x86_64/linux)',
  'Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,REFER',
  'Content-Length: 0',
]);

describe('parseMessage', () => {
  it("reads baresip's REGISTER", () => {
    const p = parseMessage(REGISTER);
    expect(p.ok).toBe(true);
    const m = (p as { message: SipRequest }).message;
    expect(m).toMatchObject({ kind: 'request', method: 'REGISTER', uri: 'sip:198.51.100.1:5060' });
    expect(header(m, 'call-id')).toBe('d690b1bc89cafe42');
    expect(header(m, 'i')).toBe('d690b1bc89cafe42');
    expect(headers(m, 'allow')).toHaveLength(10);
    expect(m.body.length).toBe(0);
  });

  it('expands compact forms, unfolds continuation lines, keeps a body of Content-Length bytes', () => {
    const p = parseMessage(
      crlf(
        [
          'INVITE sip:100@example.com SIP/2.0',
          'v: SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKabc',
          'v: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKdef, SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKghi',
          'f: "Smith, John" <sip:john@example.com>;tag=1',
          't: sip:100@example.com',
          'i: abc@host',
          'CSeq: 1 INVITE',
          'Subject: a long',
          '  folded subject',
          'c: application/sdp',
          'l: 4',
        ],
        'v=0\r\nextra',
      ),
    );
    expect(p.ok).toBe(true);
    const m = (p as { message: SipRequest }).message;
    expect(headers(m, 'via')).toEqual(['SIP/2.0/TCP 10.0.0.1:5060;branch=z9hG4bKabc', 'SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKdef', 'SIP/2.0/UDP 10.0.0.3;branch=z9hG4bKghi']);
    expect(header(m, 'subject')).toBe('a long folded subject');
    expect(m.body.toString()).toBe('v=0\r');
    expect(parseNameAddr(header(m, 'from')!)).toEqual({ display: 'Smith, John', uri: 'sip:john@example.com', params: new Map([['tag', '1']]) });
  });

  const refusals: Array<[string, Buffer, string, boolean]> = [
    ['no blank line', Buffer.from('OPTIONS sip:a SIP/2.0\r\nVia: x'), 'no blank line', false],
    ['garbage', Buffer.from('\x00\x01\x02\r\n\r\n'), 'bad request line', false],
    ['a header without a colon', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via SIP/2.0/UDP h']), 'malformed header line', false],
    ['no Call-ID', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'CSeq: 1 OPTIONS']), 'missing call-id', false],
    ['a bad Via', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: HTTP/1.1 h', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'malformed Via', false],
    ['SIP/3.0', crlf(['OPTIONS sip:a@b SIP/3.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'not SIP/2.0', true],
    ['CSeq of another method', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 INVITE']), 'differs', true],
    ['a CSeq without a number', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: x OPTIONS']), 'CSeq must be', true],
    ['Content-Length past the end', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS', 'Content-Length: 50'], 'short'), 'more than', false],
    ['a Request-URI without scheme', crlf(['OPTIONS nowhere SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'no scheme', true],
    ['a status out of range', crlf(['SIP/2.0 99 Odd', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'bad status line', false],
    ['too large', Buffer.alloc(70_000, 65), 'larger than', false],
    // Singleton headers twice: which one would the edge believe? Neither (RFC 4475 §3.1.2.19 and kin).
    ['two To headers', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'To: <sip:c@d>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'more than one to header', true],
    ['two Call-IDs', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'i: 2', 'CSeq: 1 OPTIONS']), 'more than one call-id header', true],
    ['two CSeqs', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS', 'CSeq: 2 OPTIONS']), 'more than one cseq header', true],
    ['two Froms', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'f: <sip:z@y>;tag=2', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'more than one from header', true],
    ['two Content-Lengths that disagree', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS', 'Content-Length: 2', 'l: 4'], 'abcd'), 'Content-Length headers disagree', true],
    ['Max-Forwards above 255', crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'Max-Forwards: 256', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS']), 'Max-Forwards', true],
  ];
  it.each(refusals)('refuses %s', (_name, bytes, error, answerable) => {
    const p = parseMessage(bytes);
    expect(p.ok).toBe(false);
    if (p.ok) return;
    expect(p.error).toContain(error);
    expect(p.answerable !== undefined).toBe(answerable);
  });

  it.each([
    ['Max-Forwards with leading zeros (RFC 4475 wsinv)', 'Max-Forwards: 0068'],
    ['two Content-Lengths that agree', 'Content-Length: 0\r\nl: 0'],
  ])('accepts %s', (_n, line) => {
    const p = parseMessage(crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:x@y>;tag=1', 'To: <sip:a@b>', 'Call-ID: 1', 'CSeq: 1 OPTIONS', line]));
    expect(p.ok, p.ok ? '' : p.error).toBe(true);
  });

  it('serialize → parse is the identity on what matters, and Content-Length comes from the body', () => {
    const m = (parseMessage(REGISTER) as { message: SipRequest }).message;
    const withBody = { ...m, body: Buffer.from('hello') };
    const again = (parseMessage(serialize(withBody)) as { message: SipRequest }).message;
    expect(again.method).toBe('REGISTER');
    expect(again.headers.filter((h) => h.name !== 'content-length')).toEqual(m.headers.filter((h) => h.name !== 'content-length'));
    expect(header(again, 'content-length')).toBe('5');
    expect(serialize(again).toString()).toContain('Call-ID: d690b1bc89cafe42\r\nCSeq: 50424 REGISTER');
  });
});

describe('responses and Via', () => {
  it('copies Via, From, To (+tag), Call-ID, CSeq; marks received and rport', () => {
    const m = markReceived((parseMessage(REGISTER) as { message: SipRequest }).message, '203.0.113.9', 40000);
    const r = responseTo(m, 200, { toTag: 'abc', headers: [['Expires', '60']] });
    expect(r.reason).toBe('OK');
    expect(header(r, 'via')).toBe('SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK67cfffc38bbccb15;rport=40000;received=203.0.113.9');
    expect(header(r, 'to')).toBe('<sip:1001@198.51.100.1:5060>;tag=abc');
    expect(header(r, 'expires')).toBe('60');
    expect(responseTo(m, 100, { toTag: 'abc' }).headers.find((h) => h.name === 'to')!.value).toBe('<sip:1001@198.51.100.1:5060>');
  });

  it('with rport, received is added even when the source is the sent-by address (RFC 3581 §4); without, only when it differs', () => {
    const m = (parseMessage(REGISTER) as { message: SipRequest }).message;
    expect(header(markReceived(m, '198.51.100.1', 15060), 'via')).toBe('SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK67cfffc38bbccb15;rport=15060;received=198.51.100.1');
    const plain = { ...m, headers: m.headers.map((h) => (h.name === 'via' ? { ...h, value: 'SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK1' } : h)) };
    expect(header(markReceived(plain, '198.51.100.1', 15060), 'via')).toBe('SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK1');
    expect(header(markReceived(plain, '203.0.113.9', 40000), 'via')).toBe('SIP/2.0/UDP 198.51.100.1:15060;branch=z9hG4bK1;received=203.0.113.9');
  });
});

describe('header parsers', () => {
  it.each([
    ['sip:alice@atlanta.com', { scheme: 'sip', user: 'alice', host: 'atlanta.com', port: null }],
    ['sips:alice:secret@atlanta.com:5061;transport=tcp?subject=x', { scheme: 'sips', user: 'alice', host: 'atlanta.com', port: 5061 }],
    ['sip:+1-212-555-1212@gateway.com;user=phone', { user: '+1-212-555-1212', host: 'gateway.com' }],
    ['sip:[2001:db8::10]:5070', { user: null, host: '2001:db8::10', port: 5070 }],
    ['sip:%61lice@atlanta.com', { user: 'alice' }],
    ['tel:+15550100', { scheme: 'tel', user: '+15550100' }],
  ])('parseUri(%s)', (s, want) => {
    expect(parseUri(s)).toMatchObject(want);
  });

  it.each(['http://x', 'sip:', 'sip:user@host:99999', 'sip:a@[zz]'])('parseUri refuses %s', (s) => {
    expect(parseUri(s)).toBeNull();
  });

  it('formats a URI back', () => {
    expect(formatUri(parseUri('sip:100@198.51.100.1:5060;transport=tcp')!)).toBe('sip:100@198.51.100.1:5060;transport=tcp');
  });

  it('reads Via, name-addr without brackets, lists with quoted commas, auth params', () => {
    expect(parseVia('SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKx;rport')).toEqual({ transport: 'UDP', host: '10.0.0.1', port: 5060, params: new Map([['branch', 'z9hG4bKx'], ['rport', null]]) });
    expect(parseNameAddr('sip:a@b;tag=7')).toEqual({ display: null, uri: 'sip:a@b', params: new Map([['tag', '7']]) });
    expect(splitList('"a, b" <sip:x@y>, <sip:z@w;p=1,2>, *')).toEqual(['"a, b" <sip:x@y>', '<sip:z@w;p=1,2>', '*']);
    expect(parseAuth('Digest username="bob", realm="b, c", nc=00000001, qop=auth')).toEqual({
      scheme: 'digest',
      params: new Map([['username', 'bob'], ['realm', 'b, c'], ['nc', '00000001'], ['qop', 'auth']]),
    });
  });
});

describe('StreamFramer (TCP)', () => {
  it('cuts messages at Content-Length across chunks, and reports keep-alive pings', () => {
    const one = crlf(['OPTIONS sip:a@b SIP/2.0', 'Via: SIP/2.0/TCP h;branch=z9hG4bK1', 'Content-Length: 3'], 'abc');
    const all = Buffer.concat([Buffer.from('\r\n\r\n'), one, one]);
    const f = new StreamFramer();
    const got = [...f.push(all.subarray(0, 30)), ...f.push(all.subarray(30, 100)), ...f.push(all.subarray(100))];
    expect(got.map((g) => g.type)).toEqual(['ping', 'message', 'message']);
    expect(got[1]).toEqual({ type: 'message', bytes: one });
  });

  it('gives up on a header section that never ends', () => {
    const f = new StreamFramer();
    expect(f.push(Buffer.alloc(70_000, 65))).toEqual([{ type: 'error', error: expect.stringContaining('no end of headers') }]);
  });
});
