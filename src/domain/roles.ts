import { z } from 'zod';

/** The roles, least to most. */
export const ROLES = ['viewer', 'analyst', 'supervisor', 'manager', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Where each role stands in the chain of live rights (each includes the ones below it). An
 * analyst reads what a viewer reads and acts on nothing; what sets it apart is not a rank but
 * a door: with admin it alone may query the history in SQL (HISTORY_QUERY_ROLES), which a
 * supervisor or a manager, whose work is the live floor, may not.
 */
export const ROLE_RANK: Readonly<Record<Role, number>> = { viewer: 0, analyst: 0, supervisor: 1, manager: 2, admin: 3 };

/** Roles that may query the history with SQL (the read-only ClickHouse door, /clickhouse). */
export const HISTORY_QUERY_ROLES: readonly Role[] = ['analyst', 'admin'];
