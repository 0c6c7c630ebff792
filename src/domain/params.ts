/**
 * The parameter types every route shares, one parser each: whole numbers from query
 * strings, IANA time zones, and (in time.ts) date-times. A route never reads a number or a
 * zone its own way, so `0x10`, `1e3`, `+5`, ` 1` or `utc` get one answer everywhere.
 */
import { z } from 'zod';

/**
 * A string parameter read by `parse` (null: not one), refused with `rule` otherwise: the
 * shape of every shared parser here and in time.ts.
 */
export function parsedBy<T>(parse: (s: string) => T | null, rule: string) {
  return z.string().transform((s, ctx) => {
    const v = parse(s);
    if (v !== null) return v;
    ctx.addIssue({ code: 'custom', message: rule });
    return z.NEVER;
  });
}

const DIGITS = /^(0|[1-9]\d*)$/;
const SIGNED_DIGITS = /^-?(0|[1-9]\d*)$/;

/**
 * A whole number written in plain decimal digits (no sign unless `min` is negative, no
 * leading zeros, exponent, hex, spaces or empty value), within [min, max]; documented as an
 * OpenAPI integer. With `fallback`, the parameter is optional and defaults to it.
 * @example WholeNumber({ min: 1, max: 500 }).parse('50') // 50
 */
export function WholeNumber(o: { min: number; max: number; fallback: number; description?: string }): z.ZodDefault<ReturnType<typeof wholeNumber>>;
export function WholeNumber(o: { min: number; max: number; description?: string }): ReturnType<typeof wholeNumber>;
export function WholeNumber(o: { min: number; max: number; fallback?: number; description?: string }) {
  const doc = { type: 'integer', minimum: o.min, maximum: o.max, ...(o.description ? { description: o.description } : {}) };
  if (o.fallback === undefined) return wholeNumber(o.min, o.max).meta(doc);
  return wholeNumber(o.min, o.max).default(o.fallback).meta({ ...doc, default: o.fallback });
}

function wholeNumber(min: number, max: number) {
  const rule = `must be a whole number from ${min} to ${max}, in decimal digits`;
  return z
    .string()
    .regex(min < 0 ? SIGNED_DIGITS : DIGITS, rule)
    .transform(Number)
    .pipe(z.number().int().min(min, rule).max(max, rule));
}

/**
 * The canonical spelling of an IANA time zone (`utc` → `UTC`, `europe/paris` →
 * `Europe/Paris`, `US/Pacific` → `America/Los_Angeles`), or null when there is none.
 * Intl reads names in any case but ClickHouse only in the canonical one (a report in
 * `tz=utc` failed there), so every zone is canonicalised before it goes further.
 */
export function canonicalTimeZone(tz: string): string | null {
  // Intl also takes offsets such as "+01:00" in newer engines; a zone here is a name.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(tz)) return null;
  try {
    const icu = new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
    return ICU_TO_IANA[icu] ?? icu;
  } catch {
    return null;
  }
}

/**
 * Where ICU (so Intl) still answers a zone's old name, the IANA database's current one:
 * `Asia/Kolkata` comes back from Intl as `Asia/Calcutta`. These are every name of Node's
 * Intl.supportedValuesOf('timeZone') that the IANA database keeps only as a backward link
 * (tzdata.zi, 2024); Intl and ClickHouse read both names.
 */
const ICU_TO_IANA: Readonly<Record<string, string>> = {
  'America/Buenos_Aires': 'America/Argentina/Buenos_Aires',
  'America/Catamarca': 'America/Argentina/Catamarca',
  'America/Cordoba': 'America/Argentina/Cordoba',
  'America/Godthab': 'America/Nuuk',
  'America/Indianapolis': 'America/Indiana/Indianapolis',
  'America/Jujuy': 'America/Argentina/Jujuy',
  'America/Louisville': 'America/Kentucky/Louisville',
  'America/Mendoza': 'America/Argentina/Mendoza',
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'Europe/Kiev': 'Europe/Kyiv',
  'Pacific/Enderbury': 'Pacific/Kanton',
};

export const TIME_ZONE_RULE = 'must be an IANA time zone such as Europe/Paris';

const zoneDoc = { type: 'string', description: 'IANA time zone, any case; answered in its canonical spelling', examples: ['Europe/Paris'] };

/** An IANA time zone, canonicalised (see canonicalTimeZone). */
export const TimeZone = parsedBy(canonicalTimeZone, TIME_ZONE_RULE).meta(zoneDoc);

/** An optional time zone parameter that defaults to `zone` (the configured one, for the API). */
export const TimeZoneOr = (zone: string, description: string) => TimeZone.default(zone).meta({ ...zoneDoc, default: zone, description });
