import type { z } from 'zod';
import { CallEvent, EVENT_TYPES } from './events.js';
import { BAIL, compileDiscriminated } from './fast-validate.js';

/**
 * Checkers compiled from the CallEvent schemas, by type (see fast-validate.ts). A valid event
 * takes the fast path; anything else, and any type the compiler cannot handle, goes to zod.
 */
const FAST_BY_TYPE = compileDiscriminated(CallEvent);

/** One thing wrong with an input: the field (dotted path) and the rule it broke. */
export interface FieldProblem {
  field: string;
  rule: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; problems: FieldProblem[]; message: string };

/**
 * Turns zod issues into "field: rule" problems a person can act on. `unknownKey` is the rule
 * for a key the schema does not have, in the words of what was parsed (an event, a query).
 */
export function problemsOf(error: z.ZodError, unknownKey = 'is not a field of this event type'): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ field: base ? `${base}.${key}` : key, rule: unknownKey });
      continue;
    }
    if (issue.code === 'invalid_key') {
      // A record's key broke its rule: the field is the record, the key is quoted (escaped: it may not be text at all).
      const key = issue.path[issue.path.length - 1];
      const parent = issue.path.slice(0, -1).map(String).join('.');
      const inner = issue.issues.map((i) => i.message).join(', ');
      out.push({ field: parent || '(root)', rule: `key ${JSON.stringify(String(key))} ${inner}` });
      continue;
    }
    let rule = issue.message;
    if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) rule = 'is required';
    // A query parameter given twice (?limit=1&limit=2) arrives as an array.
    else if (issue.code === 'invalid_type' && issue.expected !== 'array' && /received array/.test(issue.message)) rule = 'must be given once';
    out.push({ field: base || '(root)', rule });
  }
  return out;
}

export function describeProblems(problems: FieldProblem[]): string {
  return problems.map((p) => `${p.field} ${p.rule}`).join('; ');
}

/**
 * Validates one raw CallEvent v1.
 * @example validateEvent(JSON.parse(line)) // { ok: false, message: 'call_id is required' }
 */
export function validateEvent(raw: unknown): Validation<CallEvent> {
  // The compiled checkers say yes to valid events only; every refusal is zod's, with its message.
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const fast = FAST_BY_TYPE.get((raw as { type?: unknown }).type);
    if (fast !== undefined) {
      const value = fast(raw);
      if (value !== BAIL) return { ok: true, value: value as CallEvent };
    }
  }
  return validateEventWithZod(raw);
}

/**
 * The same answer as validateEvent, from zod alone: the reference the fast path is tested
 * against, and the path every invalid event takes.
 */
export function validateEventWithZod(raw: unknown): Validation<CallEvent> {
  // Name an unknown type before zod's union error, which cannot say which fields apply.
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const t = (raw as { type?: unknown }).type;
    if (t === undefined) return fail([{ field: 'type', rule: 'is required' }]);
    if (typeof t !== 'string' || !(EVENT_TYPES as string[]).includes(t)) {
      return fail([{ field: 'type', rule: `must be one of ${EVENT_TYPES.join(', ')}` }]);
    }
  } else {
    return fail([{ field: '(root)', rule: 'must be a JSON object' }]);
  }
  const parsed = CallEvent.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return fail(problemsOf(parsed.error));
}

function fail(problems: FieldProblem[]): { ok: false; problems: FieldProblem[]; message: string } {
  return { ok: false, problems, message: describeProblems(problems) };
}

/** Event time in epoch milliseconds (events are validated, so the time parses). */
export function eventTimeMs(e: CallEvent): number {
  return Date.parse(e.time);
}
