/**
 * The one rule for text, on every way in (events, request bodies, the config): a string is
 * admitted only when it is well-formed Unicode, i.e. holds no lone UTF-16 surrogate
 * (`"x\ud800y"` is valid JSON but names no character). Such a string cannot be written as
 * UTF-8, so history (ClickHouse) refused it ("missing second part of surrogate pair") after
 * the live figures had counted it; refusing it at the door, naming the field, keeps live and
 * history the same. Everything else (any character, controls included) is stored as sent,
 * byte for byte.
 *
 * Notes must also say something: one of only spaces, line breaks, control or format
 * characters is refused. The predicates here are plain functions that the fast validator
 * (fast-validate.ts) recognises by identity, so a schema using them keeps its fast path.
 */
import { z } from 'zod';

export const TEXT_RULE = 'must be well-formed Unicode text (no lone UTF-16 surrogate such as \\ud800)';
export const VISIBLE_RULE = 'must hold a visible character (not only spaces, line breaks or control characters)';

/** True when `s` holds no lone surrogate. */
export function isWellFormedText(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

// White space, separators, controls (Cc), format characters (Cf: zero-width space, BOM...).
const VISIBLE = /[^\p{White_Space}\p{Z}\p{Cc}\p{Cf}]/u;

/** True when `s` holds at least one character a reader can see. */
export function hasVisibleCharacter(s: string): boolean {
  return VISIBLE.test(s);
}

/** The predicates the fast validator may run in place of zod (pure, on one string). */
export const FAST_STRING_CHECKS: ReadonlySet<unknown> = new Set([isWellFormedText, hasVisibleCharacter]);

/**
 * A text field: at least `min`, at most `max` characters (code points, as zod counts them),
 * well-formed. Messages name the rule; the field's name comes from where it is used.
 * @example Text(1, 200).safeParse('x\ud800').success // false
 */
export function Text(min: number, max: number) {
  let s = z.string();
  if (min > 0) s = s.min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`);
  return s.max(max, `must be at most ${max} characters`).refine(isWellFormedText, TEXT_RULE);
}

/** A note (a call's note, an after-call work note): text that says something. */
export function NoteText(max: number) {
  return Text(1, max).refine(hasVisibleCharacter, VISIBLE_RULE);
}

/**
 * Limits of a call's `attributes` (caller data an integrator attaches: account, language,
 * IVR choices): a call carries them in every view and in history, so they are bounded.
 */
export const ATTRIBUTE_LIMITS = { count: 50, keyChars: 100, valueChars: 1_000 } as const;
export const ATTRIBUTES_COUNT_RULE = `must have at most ${ATTRIBUTE_LIMITS.count} keys`;

/** At most ATTRIBUTE_LIMITS.count own keys (a plain predicate: fast-validate knows it). */
export function withinAttributeCount(o: Record<string, string>): boolean {
  let n = 0;
  for (const _ in o) if (++n > ATTRIBUTE_LIMITS.count) return false;
  return true;
}

export const FAST_RECORD_CHECKS: ReadonlySet<unknown> = new Set([withinAttributeCount]);

/** A call's attributes: a string map within ATTRIBUTE_LIMITS, every key and value well-formed text. */
export const Attributes = z
  .record(Text(1, ATTRIBUTE_LIMITS.keyChars), Text(0, ATTRIBUTE_LIMITS.valueChars))
  .refine(withinAttributeCount, ATTRIBUTES_COUNT_RULE)
  .meta({ maxProperties: ATTRIBUTE_LIMITS.count });
