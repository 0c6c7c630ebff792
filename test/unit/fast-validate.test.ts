/**
 * Differential test of the compiled fast path (src/domain/fast-validate.ts) against zod:
 * seeded valid events of every type, then mutations of them (missing field, wrong type,
 * extra key, bad enum, strings at and past their limits, odd times, broken nested parties,
 * records and arrays). For every input the compiled checker and zod must agree on
 * accept/reject and, when both accept, on the output down to key order and `undefined`
 * keys; and validateEvent must answer exactly as the zod-only path does.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { CallEvent, EVENT_TYPES, EventTime } from '../../src/domain/index.js';
import { CallTransferred } from '../../src/domain/events.js';
import { validateEvent, validateEventWithZod } from '../../src/domain/validate.js';
import { BAIL, compile, compileDiscriminated } from '../../src/domain/fast-validate.js';
import { isCanonicalTime } from '../../src/domain/time.js';

const SEED = 20261124;
const checkers = compileDiscriminated(CallEvent);

type Obj = Record<string, unknown>;

const str = (min: number, max: number) => fc.string({ minLength: min, maxLength: max });
/** A note says something (text.ts): a visible character somewhere. */
const note = (max: number) => fc.tuple(str(0, max - 1), fc.constantFrom('n', 'é', '😀')).map(([s, c]) => s + c);
const id = fc.oneof({ arbitrary: str(1, 8), weight: 8 }, { arbitrary: fc.constant('i'.repeat(200)), weight: 1 });
const time = fc.oneof(
  { arbitrary: fc.integer({ min: Date.parse('1970-01-01T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }).map((ms) => new Date(ms).toISOString()), weight: 6 },
  { arbitrary: fc.constantFrom('2026-11-24T10:00:00+01:00', '2024-02-29T23:59:59.5Z', '2026-11-24t09:00:00.123456789z'), weight: 1 },
);
const party = fc.record({ number: str(1, 64), name: str(0, 200) }, { requiredKeys: ['number'] });
const endedReason = fc.constantFrom('no_answer', 'declined', 'failed');
const consult = fc.record(
  { call_id: id, consult_id: id, agent: id, target: id, outcome: fc.constantFrom('completed', 'cancelled', 'failed') },
  { requiredKeys: ['call_id', 'consult_id', 'agent', 'target'] },
);
const monitor = { session_id: id, call_id: id, supervisor: id };
const mode = fc.constantFrom('listen', 'whisper', 'barge', 'takeover');

/** The fields of each type beside the envelope, following docs/events.md (not the schemas). */
const FIELDS: Record<string, fc.Arbitrary<Obj>> = {
  'call.arrived': fc.record(
    {
      call_id: id,
      direction: fc.constantFrom('inbound', 'outbound'),
      caller: party,
      callee: party,
      attributes: fc.dictionary(str(1, 6), str(0, 10), { maxKeys: 4 }),
    },
    { requiredKeys: ['call_id', 'direction', 'caller'] },
  ),
  'call.queued': fc.record({ call_id: id, queue: id, priority: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: ['call_id', 'queue'] }),
  'call.offered': fc.record({ call_id: id, queue: id, agent: id }),
  'call.offer_ended': fc.record({ call_id: id, queue: id, agent: id, reason: endedReason }),
  'call.answered': fc.record({ call_id: id, queue: id, agent: id }, { requiredKeys: ['call_id', 'agent'] }),
  'call.abandoned': fc.record({ call_id: id, queue: id }),
  'call.dequeued': fc.record(
    { call_id: id, queue: id, reason: fc.constantFrom('timeout', 'overflow', 'no_agents', 'transfer'), target: id },
    { requiredKeys: ['call_id', 'queue', 'reason'] },
  ),
  'call.held': fc.record({ call_id: id, agent: id }),
  'call.resumed': fc.record({ call_id: id, agent: id }),
  'call.transferred': fc.record({
    call_id: id,
    kind: fc.constantFrom('blind', 'consult'),
    from_agent: id,
    to: fc.record({ agent: id, queue: id, number: str(1, 64) }, { requiredKeys: ['queue'] }),
  }),
  'call.consult_started': consult,
  'call.consult_ended': consult,
  'call.note_added': fc.record({ call_id: id, note: note(40), author: id }),
  'call.wrapup_submitted': fc.record(
    { call_id: id, agent: id, category: str(1, 20), result: str(1, 20), note: note(40) },
    { requiredKeys: ['call_id', 'agent', 'category', 'result'] },
  ),
  'call.ended': fc.record(
    { call_id: id, by: fc.constantFrom('caller', 'agent', 'supervisor', 'system'), cause: str(0, 20) },
    { requiredKeys: ['call_id', 'by'] },
  ),
  'agent.state_changed': fc.record(
    { agent: id, state: fc.constantFrom('offline', 'idle', 'ringing', 'busy', 'wrapup', 'away'), reason: str(0, 20) },
    { requiredKeys: ['agent', 'state'] },
  ),
  'agent.queues_changed': fc.record({ agent: id, queues: fc.array(id, { maxLength: 6 }) }),
  'agent.device_changed': fc.record({ agent: id, registered: fc.boolean(), contact: str(1, 40) }, { requiredKeys: ['agent', 'registered'] }),
  'monitor.started': fc.record({ ...monitor, mode, endpoint: fc.constantFrom('phone', 'browser', 'sim') }, { requiredKeys: ['session_id', 'call_id', 'supervisor', 'mode'] }),
  'monitor.mode_changed': fc.record({ ...monitor, mode }),
  'monitor.ended': fc.record({ ...monitor, reason: fc.constantFrom('supervisor', 'call_ended', 'failed') }),
  // Operational events (docs/events.md): the same envelope, the same validators.
  'alert.acknowledged': fc.record(
    { alert_id: fc.oneof(id, fc.constant(`wait_timeout:${'q'.repeat(200)}:${'c'.repeat(200)}:1781524800000`)), by: id, comment: str(0, 60) },
    { requiredKeys: ['alert_id', 'by'] },
  ),
  'alert.fired': fc.record(
    {
      alert_id: id,
      alert_type: fc.constantFrom('sla_below_threshold', 'queue_overflow', 'wait_timeout', 'no_available_agents', 'sla_forecast', 'help_requested'),
      queue: id,
      call: id,
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      threshold: fc.double({ noNaN: true, noDefaultInfinity: true }),
    },
    { requiredKeys: ['alert_id', 'alert_type', 'queue', 'value', 'threshold'] },
  ),
  'alert.resolved': fc.record({ alert_id: id, last_value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
  'help.requested': fc.record({ help_id: id, call_id: id, agent: id, queue: id, via: fc.constantFrom('api', 'phone') }, { requiredKeys: ['help_id', 'call_id', 'agent', 'via'] }),
  'help.ended': fc.record({ help_id: id, call_id: id, agent: id, reason: fc.constantFrom('joined', 'cancelled', 'call_ended'), by: id }),
  'queue.alert_rules_set': fc.record({
    queue: id,
    by: id,
    rules: fc.oneof(
      fc.constant(null),
      fc.record(
        {
          sla_below_threshold: fc.record({ enabled: fc.boolean(), window_min: fc.integer({ min: 1, max: 1440 }), min_offered: fc.integer({ min: 1, max: 50 }), for_s: fc.nat(600) }, { requiredKeys: [] }),
          queue_overflow: fc.record({ enabled: fc.boolean(), for_s: fc.nat(600) }, { requiredKeys: [] }),
          wait_timeout: fc.record({ enabled: fc.boolean(), max_wait_s: fc.integer({ min: 1, max: 3600 }), for_s: fc.nat(600) }, { requiredKeys: [] }),
          no_available_agents: fc.record({ enabled: fc.boolean(), for_s: fc.nat(600) }, { requiredKeys: [] }),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
};

/** A valid event of any type, its keys in a random order (zod answers in shape order). */
const validEvent: fc.Arbitrary<Obj> = fc
  .tuple(fc.constantFrom(...EVENT_TYPES), fc.integer())
  .chain(([type, order]) =>
    fc.tuple(id, time, str(1, 10), FIELDS[type]!).map(([eid, t, source, fields]) => shuffled({ id: eid, type, time: t, source, v: 1, ...fields }, order)),
  );

function shuffled(o: Obj, seed: number): Obj {
  const entries = Object.entries(o);
  let s = seed >>> 0;
  for (let i = entries.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

const long = (n: number) => 'x'.repeat(n);
/** Values a field may be swapped for: wrong types, limits either side, odd numbers. */
const oddValue = fc.constantFrom<unknown>(
  undefined, null, true, 0, -0, 1, 1.5, -1, 100, 101, NaN, Infinity, '', 'x', '1', 'nope', long(64), long(65), long(200), long(201),
  long(4000), long(4001), `${long(63)}😀`,
  // The text rule (text.ts): a lone surrogate anywhere, a note of nothing visible.
  'x\ud800y', '\udc00', '😀\ud83d', ' ', '\t\r\n', '\u0000', '\u200b\ufeff', [], ['q'], {}, { number: '1' }, new Date(0), 'inbound', 'listen', 'call.ended',
);
const oddTime = fc.oneof(
  fc.constantFrom(
    'yesterday', '', '2026-11-24', '2026-11-24T09:00:00', '2026-11-24T09:00:00.000Z\n', ' 2026-11-24T09:00:00.000Z',
    '2026-02-29T10:00:00.000Z', '2024-02-29T10:00:00.000Z', '1900-02-29T00:00:00.000Z', '2000-02-29T00:00:00.000Z',
    '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-01-00T00:00:00.000Z',
    '2026-11-24T24:00:00.000Z', '2026-11-24T23:60:00.000Z', '2026-11-24T23:59:60.000Z', '2026-11-24T09:00:00.000+00:00',
    '2026-11-24T09:00:00.0000Z', '2026-11-24T09:00:00.00Z', '2026-11-24 09:00:00.000Z', '+002026-11-24T09:00:00.000Z',
    // The years allowed (1900–2299, local digits and instant both) at and past their ends.
    '0050-06-15T12:00:00.000Z', '0099-12-31T23:59:59.999Z', '1899-12-31T23:59:59.999Z', '1900-01-01T00:00:00.000Z',
    '2299-12-31T23:59:59.999Z', '2300-01-01T00:00:00.000Z', '2299-12-31T23:00:00-05:00', '1900-01-01T00:30:00+01:00',
    '2026-06-15T12:00:00+14:00', '2026-06-15T12:00:00-23:59', '2026-06-15T12:00:00+23:60',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 19 }), fc.integer({ min: 0, max: 39 }),
      fc.integer({ min: 0, max: 29 }), fc.integer({ min: 0, max: 69 }), fc.integer({ min: 0, max: 69 }),
      fc.constantFrom('.000', '.5', '.123456789', '', '.1234567890'), fc.constantFrom('Z', 'z', '+01:00', '-23:59', '+24:00', ''),
    )
    .map(([y, mo, d, h, mi, s, frac, zone]) => `${p(y, 4)}-${p(mo)}-${p(d)}T${p(h)}:${p(mi)}:${p(s)}${frac}${zone}`),
);
const p = (n: number, width = 2) => String(n).padStart(width, '0');

const pick = <T>(items: T[], n: number): T | undefined => (items.length ? items[Math.abs(n) % items.length] : undefined);

/** One mutation of a valid event, chosen and placed by the random numbers given. */
function mutate(e: Obj, kind: number, n: number, value: unknown, t: string): Obj {
  const o: Obj = structuredClone(e);
  const key = pick(Object.keys(o), n)!;
  const nested = (k: string) => (typeof o[k] === 'object' && o[k] !== null ? (o[k] as Obj) : undefined);
  switch (kind) {
    case 0: // a missing field
      delete o[key];
      return o;
    case 1: // a field of the wrong type or past a limit
      o[key] = value;
      return o;
    case 2: // an extra key
      return pick([{ ...o, colour: 'red' }, { ...o, ...(JSON.parse('{"__proto__": {"x": 1}}') as Obj) }, { ...o, [key]: o[key], extra: undefined }], n)!;
    case 3: // an enum or literal field off its list
      for (const k of ['direction', 'reason', 'state', 'mode', 'by', 'kind', 'outcome', 'v', 'rules']) if (k in o) o[k] = pick(['nope', 'INBOUND', 2, '1', null], n);
      return o;
    case 4: // a time that may or may not be one
      o.time = t;
      return o;
    case 5: // the caller, callee or `to` broken inside
      for (const k of ['caller', 'callee', 'to']) {
        const inner = nested(k);
        if (!inner) continue;
        const innerKey = pick(Object.keys(inner), n);
        if (n % 3 === 0 && innerKey) delete inner[innerKey];
        else if (n % 3 === 1) inner[innerKey ?? 'number'] = value;
        else inner.extension = '12';
      }
      if (n % 7 === 0 && 'caller' in o) o.caller = value;
      return o;
    case 6: // records and arrays
      if (o.type === 'call.arrived') {
        const many = (k: number) => Object.fromEntries(Array.from({ length: k }, (_, i) => [`k${i}`, 'v']));
        o.attributes = pick<unknown>([{ a: 1 }, { a: value }, { [String(value)]: 'v' }, { '': 'v' }, { a: long(1000) }, { a: long(1001) }, many(50), many(51), JSON.parse('{"__proto__":"x","b":"y"}'), { 10: 'a', 2: 'b', z: 'c' }, ['a'], null, new Map()], n);
      } else if (o.type === 'agent.queues_changed') {
        o.queues = pick<unknown>([[1], [''], ['q', value], Array.from({ length: 500 }, () => 'q'), Array.from({ length: 501 }, () => 'q'), [['q']], 'q', {}], n);
      } else if (o.type === 'call.queued') {
        o.priority = value;
      } else {
        for (const k of Object.keys(o)) if (typeof o[k] === 'string' && !['type', 'time'].includes(k)) o[k] = pick([long(200), long(201), long(64), long(65)], n);
      }
      return o;
    case 7: // a field set to undefined (present but empty), zod keeps such optional keys
      for (const k of ['callee', 'attributes', 'priority', 'queue', 'target', 'outcome', 'note', 'cause', 'reason', 'name', 'comment']) if (k in o || n % 2) o[k] = undefined;
      return o;
    default: // the type of another event, the fields of this one
      o.type = pick(EVENT_TYPES, n);
      return o;
  }
}
const mutation = fc.tuple(validEvent, fc.nat(8), fc.integer(), oddValue, oddTime).map(([e, kind, n, value, t]) => mutate(e, kind, n, value, t));

/** Keys and values depth-first, `undefined` included: equal only with the same key order. */
function layout(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(layout);
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, layout(x)]);
  return v;
}

function expectAgreement(input: unknown): void {
  const zod = CallEvent.safeParse(input);
  const check = checkers.get((input as Obj).type);
  if (check) {
    const fast = check(input);
    expect(fast !== BAIL, JSON.stringify(input)).toBe(zod.success);
    if (fast !== BAIL && zod.success) {
      expect(fast).toStrictEqual(zod.data);
      expect(layout(fast)).toStrictEqual(layout(zod.data));
      expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
    }
  }
  expect(validateEvent(input)).toStrictEqual(validateEventWithZod(input));
}

describe('compiled CallEvent checkers', () => {
  it('cover every type but queue.alert_rules_set, whose rules have defaults', () => {
    expect([...checkers.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_TYPES.filter((t) => !checkers.get(t))).toEqual(['queue.alert_rules_set']);
  });

  it('accept every valid event, with the output zod gives', () => {
    fc.assert(
      fc.property(validEvent, (e) => {
        expect(CallEvent.safeParse(e).success).toBe(true);
        expectAgreement(e);
      }),
      { seed: SEED, numRuns: 3000 },
    );
  });

  it('agree with zod on mutated events, and validateEvent answers as zod alone does', () => {
    fc.assert(
      fc.property(mutation, (e) => expectAgreement(e)),
      { seed: SEED + 1, numRuns: 6000 },
    );
  });

  it('agree with zod on times, canonical or not, real or not', () => {
    const checkTime = compile(EventTime)!;
    fc.assert(
      fc.property(fc.oneof(oddTime, time), (t) => {
        const zod = EventTime.safeParse(t);
        const fast = checkTime(t);
        expect(fast !== BAIL, t).toBe(zod.success);
        if (zod.success) expect(fast).toBe(zod.data);
        // The in-place check says yes only where the transform returns the string as is.
        if (isCanonicalTime(t)) expect(zod.success && zod.data === t, t).toBe(true);
      }),
      { seed: SEED + 2, numRuns: 20000 },
    );
  });

  it('hand the non-objects and unknown types to zod', () => {
    for (const input of [null, 1, 'x', [1, 2], {}, { type: 'call.teleported' }, { type: 5 }, Object.create(null)]) {
      expect(validateEvent(input)).toStrictEqual(validateEventWithZod(input));
    }
  });

  it.each([
    ['an empty strict object', z.strictObject({}), [{}, { a: 1 }, [], null]],
    ['a stripping object', z.object({ a: z.string().optional() }), [{}, { a: 'x', b: 1 }, { b: 1 }, { a: undefined }, { a: 1 }]],
    ['exclusive number bounds', z.number().gt(0).lt(1), [0, 0.5, 1, -0, 1e-300, '0.5', NaN]],
    ['integers', z.number().int().min(-3), [-3, -4, 2 ** 53, 2 ** 53 - 1, 1.5]],
    ['a literal', z.literal(['a', 2]), ['a', 2, '2', 'b', undefined]],
    ['code points at the limits', z.string().min(2).max(3), ['😀', 'a😀', '😀😀', 'ab😀', 'abcd', '\ud83d', 'ab\ud83d']],
    ['a bounded array', z.array(z.number()).min(1).max(2), [[], [1], [1, 2], [1, 2, 3], [1, 'x'], {}]],
    ['a transfer target (a known refine)', CallTransferred.shape.to, [{}, { queue: 'q' }, { agent: undefined }, { agent: undefined, number: '1' }, { number: '' }, { queue: 'q', x: 1 }]],
    [
      'more optional keys than the literals cover',
      z.strictObject({ a: z.string().optional(), b: z.string().optional(), c: z.string().optional(), d: z.string().optional(), e: z.string(), f: z.number().optional() }),
      [{ e: 'x' }, { f: 1, e: 'x', a: 'y' }, { e: 'x', b: undefined }, { a: 'y' }, { e: 'x', g: 1 }],
    ],
    ['optional keys in every combination', z.strictObject({ a: z.string().optional(), b: z.literal(1), c: z.enum(['x', 'y']).optional() }), [{ b: 1 }, { c: 'y', b: 1 }, { b: 1, a: 'z' }, { c: 'x', a: 'z', b: 1 }, { b: 1, c: undefined }, { a: 'z' }]],
  ] as const)('compile %s as zod parses it', (_, schema, inputs) => {
    const check = compile(schema)!;
    for (const input of inputs) {
      const zod = schema.safeParse(input);
      const fast = check(input);
      expect(fast !== BAIL, JSON.stringify(input)).toBe(zod.success);
      if (zod.success) expect(layout(fast)).toStrictEqual(layout(zod.data));
    }
  });

  it.each([
    ['a refine', z.string().refine((s) => s !== 'x')],
    ['a default', z.strictObject({ a: z.string().default('x') })],
    ['a regex', z.string().regex(/a/)],
    ['a union', z.union([z.string(), z.number()])],
    ['a loose object', z.looseObject({ a: z.string() })],
    ['a trim', z.string().trim()],
    ['a refine of an object', z.strictObject({ a: z.string() }).refine((o) => o.a !== 'x')],
  ])('leave %s to zod', (_, schema) => {
    expect(compile(schema)).toBeUndefined();
  });
});
