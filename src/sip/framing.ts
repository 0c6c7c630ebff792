/**
 * Messages out of a TCP byte stream (RFC 3261 §18.3): headers up to the blank line, then
 * exactly Content-Length bytes. CRLF keep-alives between messages (RFC 5626 §3.5.1) are
 * skipped and reported so the transport can answer the double-CRLF ping with a pong.
 */
import { headerEnd, LIMITS } from './parse.js';

export type Framed = { type: 'message'; bytes: Buffer } | { type: 'ping' } | { type: 'error'; error: string };

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  /** Feeds bytes; returns every complete message (and keep-alive) they finish. */
  push(chunk: Buffer): Framed[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: Framed[] = [];
    for (;;) {
      let skip = 0;
      while (skip < this.buf.length && (this.buf[skip] === 0x0d || this.buf[skip] === 0x0a)) skip++;
      if (skip > 0) {
        if (skip >= 4 && this.buf.subarray(0, 4).toString() === '\r\n\r\n') out.push({ type: 'ping' });
        this.buf = this.buf.subarray(skip);
      }
      if (this.buf.length === 0) return out;
      const h = headerEnd(this.buf);
      if (!h) {
        if (this.buf.length > LIMITS.maxBytes) return [...out, this.fail('no end of headers within the size limit')];
        return out;
      }
      const cl = /\r?\n(?:content-length|l)[ \t]*:[ \t]*(\d+)/i.exec(this.buf.toString('latin1', 0, h.sep));
      const length = cl ? Number(cl[1]) : 0;
      if (h.end + length > LIMITS.maxBytes) return [...out, this.fail(`message is larger than ${LIMITS.maxBytes} bytes`)];
      if (this.buf.length < h.end + length) return out;
      out.push({ type: 'message', bytes: Buffer.from(this.buf.subarray(0, h.end + length)) });
      this.buf = this.buf.subarray(h.end + length);
    }
  }

  private fail(error: string): Framed {
    this.buf = Buffer.alloc(0);
    return { type: 'error', error };
  }
}
