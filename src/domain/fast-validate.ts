/**
 * A fast path for the CallEvent schemas, compiled from the zod schemas themselves at module
 * load. zod stays the single source of truth: the compiler reads each schema's definition
 * (`schema._zod.def`) and builds checkers (closures for leaves, generated functions for
 * objects) that accept exactly what zod accepts and return what zod returns: the same keys
 * in shape order, absent optional keys left out, EventTime normalised by its own transform.
 * It only has to be right when it says yes: whenever a checker is
 * unsure (any failure, any shape it was not built for) it answers `BAIL`, and the caller
 * runs zod, so every refusal and its message still come from zod.
 *
 * A node kind the compiler does not know (a refine, a default, a regex, a union...) makes
 * the whole event type uncompiled, and that type always goes through zod.
 */
import type { z } from 'zod';
import { globalConfig, util } from 'zod/v4/core';
import { EventTime, FAST_OBJECT_CHECKS } from './events.js';
import { isCanonicalTime } from './time.js';
import { FAST_RECORD_CHECKS, FAST_STRING_CHECKS } from './text.js';

/** "Not sure, ask zod": never a valid output, since nothing in a schema can produce it. */
export const BAIL: unique symbol = Symbol('ask zod');
/** Returns the parsed output (as zod's parse would) or BAIL. */
export type Checker = (input: unknown) => unknown;

/** The parts of zod's internal definition the compiler reads; the rest is refused by name. */
interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}
interface CheckDef {
  check: string;
  [key: string]: unknown;
}
type Schema = { _zod: { def: Def; values?: Set<unknown>; optin?: string; optout?: string } };

const schemaOf = (s: unknown) => s as Schema;

/** A def with a key outside `allowed` is something this compiler was not written for. */
function only(def: Def | CheckDef, allowed: readonly string[]): boolean {
  for (const key of Object.keys(def)) if (!allowed.includes(key)) return false;
  return true;
}

// Keys every def may carry without changing what is accepted: error customisation only.
const COMMON = ['type', 'checks', 'error'];

/**
 * A refine whose function is one of `known` (text.ts's pure predicates, recognised by
 * identity), or undefined for any other check.
 */
function knownRefine(cd: CheckDef, known: ReadonlySet<unknown>): ((v: unknown) => boolean) | undefined {
  if (cd.check !== 'custom' || !only(cd, ['type', 'check', 'fn', 'error', 'when', 'abort']) || cd.when !== undefined) return undefined;
  // A known refine (text.ts) takes the string or record zod hands it, which is what the checkers pass it.
  return known.has(cd.fn) ? (cd.fn as (v: unknown) => boolean) : undefined;
}

/** Every check of an object or a record as a known refine (`known`), or undefined if one is not. */
function knownRefines(def: Def, known: ReadonlySet<unknown>): Array<(v: unknown) => boolean> | undefined {
  const refines: Array<(v: unknown) => boolean> = [];
  for (const c of def.checks ?? []) {
    const refine = knownRefine(c._zod.def, known);
    if (!refine) return undefined;
    refines.push(refine);
  }
  return refines;
}

/**
 * Length bounds of strings and arrays (zod's min_length / max_length checks) and the known
 * refines among the checks (`known`), or undefined.
 */
function lengthBounds(def: Def, known: ReadonlySet<unknown> = new Set()): { min: number; max: number; refines: Array<(v: unknown) => boolean> } | undefined {
  let min = 0;
  let max = Infinity;
  const refines: Array<(v: unknown) => boolean> = [];
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    const refine = knownRefine(cd, known);
    if (refine) {
      refines.push(refine);
      continue;
    }
    if (!only(cd, ['check', 'minimum', 'maximum', 'error', 'when', 'abort'])) return undefined;
    if (cd.check === 'min_length' && typeof cd.minimum === 'number') min = Math.max(min, cd.minimum);
    else if (cd.check === 'max_length' && typeof cd.maximum === 'number') max = Math.min(max, cd.maximum);
    else return undefined;
  }
  return { min, max, refines };
}

function compileString(def: Def): Checker | undefined {
  if (!only(def, COMMON) || def.coerce) return undefined;
  const b = lengthBounds(def, FAST_STRING_CHECKS);
  if (!b) return undefined;
  const { min, max, refines } = b;
  // zod measures strings in code points, counting them only when UTF-16 units leave it in
  // doubt: past the maximum, or under twice the minimum (a floor of 1 is never in doubt).
  const minInDoubt = min > 1;
  return (v) => {
    if (typeof v !== 'string') return BAIL;
    const units = v.length;
    if (units < min || (units > max && util.codePointLength(v) > max)) return BAIL;
    if (minInDoubt && units < min * 2 && util.codePointLength(v) < min) return BAIL;
    for (let i = 0; i < refines.length; i++) if (!refines[i]!(v)) return BAIL;
    return v;
  };
}

function compileNumber(def: Def): Checker | undefined {
  if (!only(def, COMMON) || def.coerce) return undefined;
  let int = false;
  let lo = -Infinity;
  let loInclusive = true;
  let hi = Infinity;
  let hiInclusive = true;
  for (const c of def.checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === 'number_format' && cd.format === 'safeint' && only(cd, ['type', 'check', 'format', 'abort', 'error'])) int = true;
    else if (cd.check === 'greater_than' && typeof cd.value === 'number' && only(cd, ['check', 'value', 'inclusive', 'error', 'abort'])) {
      if (cd.value > lo || (cd.value === lo && !cd.inclusive)) [lo, loInclusive] = [cd.value, cd.inclusive === true];
    } else if (cd.check === 'less_than' && typeof cd.value === 'number' && only(cd, ['check', 'value', 'inclusive', 'error', 'abort'])) {
      if (cd.value < hi || (cd.value === hi && !cd.inclusive)) [hi, hiInclusive] = [cd.value, cd.inclusive === true];
    } else return undefined;
  }
  return (v) => {
    // zod's number refuses NaN and ±Infinity before any check.
    if (typeof v !== 'number' || !Number.isFinite(v)) return BAIL;
    if (int && !Number.isSafeInteger(v)) return BAIL;
    if (loInclusive ? v < lo : v <= lo) return BAIL;
    if (hiInclusive ? v > hi : v >= hi) return BAIL;
    return v;
  };
}

/**
 * Enums and literals: zod itself tests membership of `_zod.values`, so the same set decides
 * here. The value returned is the schema's own (equal to the input, so the output is the
 * same): the event then holds the one internalized string of its type or reason instead of
 * a fresh copy per event, and every `e.type === 'call.ended'` downstream compares pointers.
 */
function compileValues(schema: Schema, allowed: readonly string[]): Checker | undefined {
  const values = schema._zod.values;
  if (!only(schema._zod.def, allowed) || schema._zod.def.checks?.length || !values) return undefined;
  // Map keys compare as Set members do (SameValueZero), so membership is decided the same way.
  const own = new Map<unknown, unknown>();
  for (const value of values) own.set(value, value);
  return (v) => (v !== undefined && own.has(v) ? own.get(v) : BAIL);
}

interface Field {
  key: string;
  optional: boolean;
  check: Checker;
}

function compileObject(def: Def): Checker | undefined {
  if (!only(def, ['type', 'shape', 'catchall', 'error', 'checks'])) return undefined;
  // Known refines of the whole object (events.ts), run on the output as zod runs them.
  const refines = knownRefines(def, FAST_OBJECT_CHECKS);
  if (!refines) return undefined;
  const catchall = def.catchall === undefined ? 'strip' : schemaOf(def.catchall)._zod.def.type === 'never' ? 'strict' : undefined;
  if (!catchall) return undefined;
  const shape = def.shape as Record<string, unknown>;
  if (Object.getOwnPropertySymbols(shape).length) return undefined;
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') return undefined;
    const s = schemaOf(shape[key]);
    let optional = false;
    let inner: Schema = s;
    if (s._zod.def.type === 'optional') {
      // Only a plain .optional(): absence allowed, nothing substituted (no default inside).
      if (!only(s._zod.def, ['type', 'innerType', 'error']) || s._zod.optin !== 'optional' || s._zod.optout !== 'optional') return undefined;
      inner = schemaOf(s._zod.def.innerType);
      if (inner._zod.optin !== undefined) return undefined;
      optional = true;
    } else if (s._zod.optin !== undefined || s._zod.optout !== undefined) return undefined;
    const check = compile(inner);
    if (!check) return undefined;
    fields.push({ key, optional, check });
  }
  const check = generateObjectChecker(fields, catchall === 'strict');
  if (!check || refines.length === 0) return check;
  return (input) => {
    const out = check(input);
    if (out === BAIL) return BAIL;
    for (let i = 0; i < refines.length; i++) if (!refines[i]!(out)) return BAIL;
    return out;
  };
}

/**
 * The object checker as generated source, one function per object schema, like zod's own
 * object JIT: literal keys make every property load and store monomorphic, which measured
 * 2.5x the speed of one shared loop over the fields (4.5M against 1.8M events/s). The output
 * is built by one object literal per combination of the optional keys present (up to
 * MAX_LITERAL_OPTIONALS of them), so every field sits inside the object and the event is
 * one allocation, not an empty object grown key by key through out-of-object property
 * arrays. Only JSON.stringify'd keys of our own schemas go into the source, never input.
 * Where code generation is off (--disallow-code-generation-from-strings, zod's `jitless`),
 * the object is left to zod.
 */
function generateObjectChecker(fields: Field[], strict: boolean): Checker | undefined {
  if (!util.allowsEval.value || globalConfig.jitless) return undefined;
  const key = (f: Field) => JSON.stringify(f.key);
  const optional = fields.map((f, i) => ({ f, i })).filter((x) => x.f.optional);
  const lines = ['if (typeof input !== "object" || input === null || Array.isArray(input)) return BAIL;', `let v${fields.map((_, i) => `, r${i}`).join('')};`];
  // p<i> of an optional key: 0 absent, 1 present with a value, 2 present as `undefined`.
  if (optional.length > 0) lines.push(`let ${optional.map((x) => `p${x.i} = 0`).join(', ')};`);
  fields.forEach((f, i) => {
    lines.push(`v = input[${key(f)}];`);
    // zod's shape order and presence rules: an absent optional key is left out, one present
    // as `undefined` is kept as `undefined`.
    lines.push(
      f.optional
        ? `if (v === undefined) { if (${key(f)} in input) p${i} = 2; } else { r${i} = checks[${i}](v); if (r${i} === BAIL) return BAIL; p${i} = 1; }`
        : `if (v === undefined) return BAIL; r${i} = checks[${i}](v); if (r${i} === BAIL) return BAIL;`,
    );
  });
  // zod's strict objects walk `for...in` too (inherited enumerable keys included).
  if (strict && fields.length === 0) lines.push('for (const k in input) return BAIL;');
  else if (strict) lines.push(`for (const k in input) switch (k) { ${fields.map((f) => `case ${key(f)}:`).join(' ')} break; default: return BAIL; }`);
  // The output with the optional keys of `mask` present (bit b: optional[b]), in shape order.
  const literal = (mask: number) =>
    `{ ${fields
      .map((f, i) => {
        const b = optional.findIndex((x) => x.i === i);
        return b === -1 || (mask >> b) & 1 ? `${key(f)}: r${i}` : null;
      })
      .filter((x) => x !== null)
      .join(', ')} }`;
  // Key by key, as before, for what the literals do not cover (an optional key present as
  // `undefined`, or too many optional keys).
  const byKey = [
    'const out = {};',
    ...fields.map((f, i) => (f.optional ? `if (p${i} === 1) out[${key(f)}] = r${i}; else if (p${i} === 2) out[${key(f)}] = undefined;` : `out[${key(f)}] = r${i};`)),
    'return out;',
  ];
  if (optional.length === 0) lines.push(`return ${literal(0)};`);
  else if (optional.length <= MAX_LITERAL_OPTIONALS) {
    lines.push(`if (${optional.map((x) => `p${x.i} !== 2`).join(' && ')}) switch (${optional.map((x, b) => `(p${x.i} << ${b})`).join(' | ')}) {`);
    for (let mask = 0; mask < 1 << optional.length; mask++) lines.push(`  case ${mask}: return ${literal(mask)};`);
    lines.push('}', ...byKey);
  } else lines.push(...byKey);
  const make = new Function('checks', 'BAIL', `return function check(input) {\n${lines.join('\n')}\n};`) as (checks: Checker[], bail: symbol) => Checker;
  return make(
    fields.map((f) => f.check),
    BAIL,
  );
}

/** Optional keys up to which an object's output is built by literals (2^n of them). */
const MAX_LITERAL_OPTIONALS = 4;

function compileRecord(def: Def): Checker | undefined {
  if (!only(def, ['type', 'keyType', 'valueType', 'error', 'checks'])) return undefined;
  // Known refines of the whole record (text.ts), run on zod's output as zod runs them.
  const refines = knownRefines(def, FAST_RECORD_CHECKS);
  if (!refines) return undefined;
  const keyType = schemaOf(def.keyType);
  // A key schema with a fixed set of values makes an exhaustive record: not handled here.
  if (keyType._zod.def.type !== 'string' || keyType._zod.values) return undefined;
  const checkKey = compileString(keyType._zod.def);
  const checkValue = compile(schemaOf(def.valueType));
  if (!checkKey || !checkValue) return undefined;
  return (input) => {
    if (!util.isPlainObject(input)) return BAIL;
    const o = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // The same walk as zod's: own keys, enumerable only, __proto__ skipped.
    for (const key of Reflect.ownKeys(o)) {
      if (typeof key !== 'string') return BAIL;
      if (key === '__proto__' || !Object.prototype.propertyIsEnumerable.call(o, key)) continue;
      if (checkKey(key) === BAIL) return BAIL;
      const r = checkValue(o[key]);
      if (r === BAIL) return BAIL;
      out[key] = r;
    }
    for (let i = 0; i < refines.length; i++) if (!refines[i]!(out)) return BAIL;
    return out;
  };
}

function compileArray(def: Def): Checker | undefined {
  if (!only(def, ['type', 'element', 'error', 'checks'])) return undefined;
  const b = lengthBounds(def);
  const element = compile(schemaOf(def.element));
  if (!b || !element) return undefined;
  const { min, max } = b;
  return (input) => {
    if (!Array.isArray(input) || input.length < min || input.length > max) return BAIL;
    const out = new Array<unknown>(input.length);
    for (let i = 0; i < input.length; i++) {
      const r = element(input[i]);
      if (r === BAIL) return BAIL;
      out[i] = r;
    }
    return out;
  };
}

function addIssue(this: { issues: unknown[] }, issue: unknown): void {
  this.issues.push(issue);
}

/**
 * `in.pipe(out)`, where `out` is a transform (EventTime) or another schema. The transform is
 * zod's own function, called with a context shaped like zod's: any issue it adds means BAIL.
 */
function compilePipe(def: Def): Checker | undefined {
  if (!only(def, ['type', 'in', 'out', 'error'])) return undefined;
  const first = compile(schemaOf(def.in));
  const outDef = schemaOf(def.out)._zod.def;
  if (!first) return undefined;
  if (outDef.type === 'transform') {
    if (!only(outDef, ['type', 'transform', 'error'])) return undefined;
    const fn = outDef.transform as (value: unknown, ctx: unknown) => unknown;
    return (input) => {
      const value = first(input);
      if (value === BAIL) return BAIL;
      const ctx = { value, issues: [] as unknown[], addIssue };
      const r = fn(value, ctx);
      return ctx.issues.length > 0 || r instanceof Promise ? BAIL : r;
    };
  }
  const second = compile(schemaOf(def.out));
  if (!second) return undefined;
  return (input) => {
    const value = first(input);
    return value === BAIL ? BAIL : second(value);
  };
}

/** EventTime, recognised by identity: the canonical shape checked in place, the rest by zod's transform. */
function compileEventTime(): Checker | undefined {
  const general = compilePipe(schemaOf(EventTime)._zod.def);
  if (!general) return undefined;
  return (v) => (typeof v === 'string' && isCanonicalTime(v) ? v : general(v));
}

/** A checker for one schema, or undefined when the schema uses anything not handled above. */
export function compile(schema: Schema | z.ZodType): Checker | undefined {
  const s = schemaOf(schema);
  if (schema === EventTime) return compileEventTime();
  const def = s._zod.def;
  switch (def.type) {
    case 'string':
      return compileString(def);
    case 'number':
      return compileNumber(def);
    case 'boolean':
      return only(def, COMMON) && (def.checks ?? []).length === 0 ? (v) => (typeof v === 'boolean' ? v : BAIL) : undefined;
    case 'enum':
      return compileValues(s, ['type', 'entries', 'error', 'checks']);
    case 'literal':
      return compileValues(s, ['type', 'values', 'error', 'checks']);
    case 'object':
      return compileObject(def);
    case 'record':
      return compileRecord(def);
    case 'array':
      return compileArray(def);
    case 'pipe':
      return compilePipe(def);
    default:
      return undefined;
  }
}

/**
 * One checker per discriminator value of a z.discriminatedUnion of objects (undefined for an
 * option the compiler cannot handle, which then always goes through zod).
 */
export function compileDiscriminated(union: z.ZodType): Map<unknown, Checker | undefined> {
  const def = schemaOf(union)._zod.def;
  const byTag = new Map<unknown, Checker | undefined>();
  if (def.type !== 'union' || typeof def.discriminator !== 'string' || def.unionFallback) return byTag;
  for (const option of def.options as Schema[]) {
    const tag = (option._zod.def.shape as Record<string, Schema> | undefined)?.[def.discriminator];
    const check = option._zod.def.type === 'object' ? compile(option) : undefined;
    for (const value of tag?._zod.values ?? []) byTag.set(value, check);
  }
  return byTag;
}

