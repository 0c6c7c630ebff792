import { z } from 'zod';

/** The roles, least to most: each one may do what the ones before it may. */
export const ROLES = ['viewer', 'supervisor', 'manager', 'admin'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;
