/**
 * Who a provider's claims say the user is, in the engine's terms: a role from the groups
 * (`roles_claim` through `role_map`), a queue scope (`queues_claim`), a name. Pure: the
 * same claims give the same answer for a wallboard sign-in, a refresh and an API client's
 * JWT, and a refusal says why in words a user can take to an administrator.
 */
import { ROLES, type Role } from '../domain/index.js';

export interface ClaimsMapping {
  roles_claim: string;
  role_map: Record<string, Role>;
  queues_claim?: string | undefined;
  name_claim: string;
}

export interface MappedUser {
  /** The provider's `sub`: stable and unique at the issuer. */
  subject: string;
  /** name_claim, else email, else sub. */
  name: string;
  role: Role;
  /** null: every queue. */
  queues: string[] | null;
}

export type ClaimsOutcome =
  | { ok: true; user: MappedUser }
  | { ok: false; reason: string; /** The user's groups as the claim holds them (at most 50), for the refusal page. */ groups: string[] };

/** A claim by name, or by a dotted path into nested objects (`realm_access.roles`); a top-level name with dots (`https://x.example/roles`) wins. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let at: unknown = claims;
  for (const part of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(part in at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** A claim as a list of strings: an array's strings, or one string as one item. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  return [];
}

/** Queues in a claim: an array, or one string of names separated by spaces or commas (what a SAML-bridged attribute often is). */
function queueNames(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : strings(value);
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * @example mapClaims({ sub: 'u1', preferred_username: 'ana', groups: ['cc-sup'] }, { roles_claim: 'groups', role_map: { 'cc-sup': 'supervisor' }, name_claim: 'preferred_username' })
 * // → { ok: true, user: { subject: 'u1', name: 'ana', role: 'supervisor', queues: null } }
 */
export function mapClaims(claims: Record<string, unknown>, m: ClaimsMapping): ClaimsOutcome {
  const groups = strings(claimAt(claims, m.roles_claim));
  const shown = groups.slice(0, 50);
  const subject = text(claims.sub);
  if (!subject) return { ok: false, reason: 'the provider sent no subject (sub) for this account', groups: shown };
  const roles = groups.flatMap((g) => (Object.hasOwn(m.role_map, g) ? [m.role_map[g]!] : []));
  if (roles.length === 0) {
    const why = groups.length === 0 ? `the provider sent no \`${m.roles_claim}\` claim for this account` : `none of this account's groups in \`${m.roles_claim}\` is mapped to a role`;
    return { ok: false, reason: `${why}; an administrator gives access by adding a group to auth.oidc.role_map`, groups: shown };
  }
  const role = roles.reduce((a, b) => (ROLES.indexOf(b) > ROLES.indexOf(a) ? b : a));
  let queues: string[] | null = null;
  if (m.queues_claim) {
    const names = queueNames(claimAt(claims, m.queues_claim));
    if (names.length === 0) {
      return { ok: false, reason: `the provider sent no queues in \`${m.queues_claim}\` for this account (\`*\` gives every queue); an administrator sets them at the provider`, groups: shown };
    }
    queues = names.includes('*') ? null : names;
  }
  const name = text(claimAt(claims, m.name_claim)) ?? text(claims.email) ?? subject;
  return { ok: true, user: { subject, name, role, queues } };
}
