/**
 * fast-check arbitraries from the JSON Schemas of an OpenAPI 3.1 document, and the ways to
 * break a value that conforms: the conformance test's raw material. It reads the keywords
 * the engine's document uses; any other keyword throws, so a schema the generator does not
 * understand fails the test loudly instead of being fuzzed wrong.
 */
import fc from 'fast-check';

export type Schema = { [k: string]: unknown };
type Path = Array<string | number>;

/** A way to make a conforming value invalid, and where: the field a problem document must name. */
export interface Violation {
  field: Path;
  kind: string;
  apply(value: unknown): unknown;
}

// Keywords that say nothing about which values conform.
const NOTES = new Set(['description', 'default', 'examples', 'example', 'title', 'deprecated', 'readOnly', 'writeOnly']);
const HANDLED = new Set([
  ...NOTES, 'type', '$ref', 'enum', 'const', 'minLength', 'maxLength', 'pattern', 'format', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems',
  'anyOf', 'oneOf', 'maxProperties',
]);

/** Date-times the strict parser must refuse, each for its own reason (see src/domain/time.ts). */
export const BAD_TIMES = ['2026-02-29T00:00:00Z', '2026-11-24T24:00:00Z', '2026-11-24T09:00Z', '2026-11-24T09:00:00', '0050-06-15T12:00:00Z', 'yesterday', ''];
/** Integers as query strings a strict parser must refuse. */
export const BAD_INTEGERS = ['0x10', '1e3', '0b11', '+5', ' 5', '', '1.5', 'abc'];

export interface FuzzOptions {
  /** Valid date-times (the schema's format); a narrow window keeps from < to often true. */
  time?: fc.Arbitrary<string>;
  /** The longest generated string beyond a schema's minimum (speed; the limits are also tried). */
  maxText?: number;
}

export class SchemaFuzz {
  constructor(
    private readonly doc: { components?: { schemas?: Record<string, Schema> } },
    private readonly o: FuzzOptions = {},
  ) {}

  resolve(s: Schema): Schema {
    let cur = s;
    for (let i = 0; typeof cur.$ref === 'string'; i++) {
      const m = /^#\/components\/schemas\/(.+)$/.exec(cur.$ref);
      const next = m ? this.doc.components?.schemas?.[m[1]!] : undefined;
      if (!next || i > 20) throw new Error(`unresolvable $ref ${cur.$ref}`);
      cur = next;
    }
    for (const k of Object.keys(cur)) if (!HANDLED.has(k)) throw new Error(`schema keyword "${k}" is not handled by the fuzzer: ${JSON.stringify(cur).slice(0, 200)}`);
    return cur;
  }

  /** Values that conform to `schema`. */
  valid(schema: Schema): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    if (s.const !== undefined) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const options = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (options) return fc.oneof(...options.map((o) => this.valid(o)));
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    return fc.oneof(...types.map((t) => this.ofType(t, s)));
  }

  private ofType(type: string, s: Schema): fc.Arbitrary<unknown> {
    const max = this.o.maxText ?? 16;
    switch (type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number': {
        const lo = bound(s.minimum, s.exclusiveMinimum, type, 1);
        const hi = bound(s.maximum, s.exclusiveMaximum, type, -1);
        const min = lo ?? (hi !== undefined ? hi - 1000 : -1000);
        const maxV = hi ?? min + 100_000;
        if (type === 'integer') return fc.oneof(fc.integer({ min, max: maxV }), fc.constantFrom(min, maxV));
        return fc.double({ min, max: maxV, noNaN: true, noDefaultInfinity: true });
      }
      case 'string': {
        if (s.format === 'date-time') {
          if (!this.o.time) throw new Error('a date-time schema, and no time arbitrary given');
          return this.o.time;
        }
        if (s.format !== undefined) throw new Error(`string format ${String(s.format)} is not handled by the fuzzer`);
        if (typeof s.pattern === 'string') return fc.stringMatching(new RegExp(s.pattern));
        const minLength = (s.minLength as number | undefined) ?? 0;
        const maxLength = (s.maxLength as number | undefined) ?? minLength + max;
        const text = fc.string({ minLength, maxLength: Math.min(maxLength, minLength + max) });
        // The limits themselves, now and then.
        return fc.oneof({ arbitrary: text, weight: 9 }, { arbitrary: fc.constantFrom('a'.repeat(Math.max(1, minLength)), 'z'.repeat(maxLength)), weight: 1 });
      }
      case 'array': {
        const items = s.items as Schema | undefined;
        if (!items) throw new Error('an array schema without items');
        const minLength = (s.minItems as number | undefined) ?? 0;
        return fc.array(this.valid(items), { minLength, maxLength: Math.min((s.maxItems as number | undefined) ?? minLength + 3, minLength + 3) });
      }
      case 'object':
        return this.object(s);
      default:
        throw new Error(`type ${type} is not handled by the fuzzer`);
    }
  }

  private object(s: Schema): fc.Arbitrary<unknown> {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = (s.required ?? []) as string[];
    const known = fc.record(
      Object.fromEntries(Object.entries(props).map(([k, v]) => [k, this.valid(v)])),
      { requiredKeys: required.filter((k) => k in props) },
    );
    const extra = s.additionalProperties;
    if (extra === undefined || extra === false || extra === true || Object.keys(props).length > 0) return known;
    // A map (a record of string to a schema).
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), this.valid(extra as Schema), { maxKeys: Math.min(3, (s.maxProperties as number | undefined) ?? 3) });
  }

  /**
   * One plain value that conforms: the first enum value or branch, required fields only, the
   * smallest lengths and numbers allowed. For tests that need one request, not many.
   */
  example(schema: Schema, time: string): unknown {
    const s = this.resolve(schema);
    if (s.const !== undefined) return s.const;
    if (Array.isArray(s.enum)) return s.enum[0];
    const options = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (options) return this.example(options[0]!, time);
    const type = (Array.isArray(s.type) ? (s.type as string[]).find((x) => x !== 'null') : s.type) as string;
    switch (type) {
      case 'boolean':
        return true;
      case 'integer':
      case 'number':
        return bound(s.minimum, s.exclusiveMinimum, type, 1) ?? 0;
      case 'string':
        return s.format === 'date-time' ? time : 'x'.repeat(Math.max(1, (s.minLength as number | undefined) ?? 1));
      case 'array':
        return Array.from({ length: Math.max(1, (s.minItems as number | undefined) ?? 1) }, () => this.example(s.items as Schema, time));
      case 'object': {
        const props = (s.properties ?? {}) as Record<string, Schema>;
        return Object.fromEntries(((s.required ?? []) as string[]).map((k) => [k, this.example(props[k]!, time)]));
      }
      default:
        return null;
    }
  }

  /** Every way to break `value` (which conforms to `schema`) in one place, with that place. */
  violations(schema: Schema, value: unknown, path: Path = [], matches?: (s: Schema, v: unknown) => boolean): Violation[] {
    const s = this.resolve(schema);
    const options = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (options) {
      // Break the branch the value came from, when exactly one fits (a CallEvent type, one or a list).
      const fits = matches ? options.filter((o) => matches(o, value)) : [];
      return fits.length === 1 ? this.violations(fits[0]!, value, path, matches) : [];
    }
    const out: Violation[] = [];
    const at = (kind: string, apply: (v: unknown) => unknown, field: Path = path) => out.push({ field, kind, apply });
    const replace = (next: unknown) => () => next;
    if (Array.isArray(s.enum) || s.const !== undefined) {
      at('not one of the values', replace(typeof value === 'string' ? `not-${value}` : 'not-an-option'));
      return out;
    }
    const type = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (value === null) return out; // nullable: null is one of the values, nothing to narrow
    if (type.includes('string') && typeof value === 'string') {
      at('a number for a string', replace(5));
      if (s.format === 'date-time') for (const t of BAD_TIMES) at(`date-time ${JSON.stringify(t)}`, replace(t));
      if (typeof s.maxLength === 'number' && s.maxLength < 10_000) at('one character too long', replace('x'.repeat(s.maxLength + 1)));
      if (typeof s.minLength === 'number' && s.minLength > 0) at('one character too short', replace('x'.repeat(s.minLength - 1)));
      // I-JSON (RFC 7493 §2.1): a string is Unicode characters; a lone surrogate names none.
      if (s.pattern === undefined) at('a lone UTF-16 surrogate', replace(`${'x'.repeat(Math.max(0, ((s.minLength as number | undefined) ?? 1) - 1))}\ud800`));
    } else if ((type.includes('integer') || type.includes('number')) && typeof value === 'number') {
      at('a string for a number', replace(String(value)));
      if (type.includes('integer') && !type.includes('number')) at('a fraction for an integer', replace(value + 0.5));
      const lo = bound(s.minimum, s.exclusiveMinimum, 'integer', 1);
      const hi = bound(s.maximum, s.exclusiveMaximum, 'integer', -1);
      if (lo !== undefined) at('below the minimum', replace(lo - 1));
      if (hi !== undefined) at('above the maximum', replace(hi + 1));
    } else if (type.includes('boolean') && typeof value === 'boolean') {
      at('a string for a boolean', replace(String(value)));
    } else if (type.includes('array') && Array.isArray(value)) {
      at('an object for an array', replace({}));
      if (typeof s.minItems === 'number' && s.minItems > 0) at('one item too few', (v) => (v as unknown[]).slice(0, (s.minItems as number) - 1));
      if (typeof s.maxItems === 'number') at('one item too many', (v) => [...(v as unknown[]), ...Array.from({ length: (s.maxItems as number) + 1 - (v as unknown[]).length }, () => (v as unknown[])[0] ?? 'x')]);
      (value as unknown[]).forEach((item, i) => out.push(...this.violations(s.items as Schema, item, [...path, i], matches).map((x) => nest(x, i))));
    } else if (type.includes('object') && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const o = value as Record<string, unknown>;
      const props = (s.properties ?? {}) as Record<string, Schema>;
      at('an array for an object', replace([]));
      for (const k of (s.required ?? []) as string[]) at('a required field left out', (v) => omit(v as Record<string, unknown>, k), [...path, k]);
      if (s.additionalProperties === false) at('a field it does not have', (v) => ({ ...(v as object), unexpected_field: 1 }), [...path, 'unexpected_field']);
      if (typeof s.maxProperties === 'number' && s.maxProperties < 1000) {
        const extra = (s.additionalProperties ?? {}) as Schema;
        at('one key too many', (v) => ({ ...(v as object), ...Object.fromEntries(Array.from({ length: (s.maxProperties as number) + 1 }, (_, i) => [`key${i}`, this.example(extra, "2026-01-01T00:00:00Z")])) }));
      }
      for (const [k, sub] of Object.entries(props)) {
        if (!(k in o)) continue;
        out.push(...this.violations(sub, o[k], [...path, k], matches).map((x) => nest(x, k)));
      }
    }
    return out;
  }
}

/** A violation found inside `value[key]`, applied from `value`. */
function nest(x: Violation, key: string | number): Violation {
  return {
    ...x,
    apply: (v) => {
      const copy = (Array.isArray(v) ? [...v] : { ...(v as object) }) as Record<string | number, unknown>;
      copy[key] = x.apply(copy[key]);
      return copy;
    },
  };
}

function omit(o: Record<string, unknown>, k: string): Record<string, unknown> {
  const { [k]: _, ...rest } = o;
  return rest;
}

/** The smallest (dir 1) or largest (dir -1) allowed value from inclusive and exclusive bounds. */
function bound(inclusive: unknown, exclusive: unknown, type: string, dir: 1 | -1): number | undefined {
  const step = type === 'integer' ? 1 : 1e-6;
  if (typeof exclusive === 'number') return exclusive + dir * step;
  if (typeof inclusive === 'number') return inclusive;
  return undefined;
}
