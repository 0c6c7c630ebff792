/**
 * JSON text in ASCII alone: every character past U+007F written as its \uXXXX escape
 * (JSON.parse reads it back as the same string). Bytes of such text decode as Latin-1,
 * which is a copy; UTF-8 text with a single "é" in it decodes several times slower (the
 * whole string becomes two-byte), which matters for tens of megabytes of snapshot.
 */
const NON_ASCII = /[\u0080-\uffff]/g;
const HAS_NON_ASCII = /[\u0080-\uffff]/;

const escape = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

export function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  return HAS_NON_ASCII.test(text) ? text.replace(NON_ASCII, escape) : text;
}
