/**
 * What the signed-in role may do, as the API decides it (docs/api.md, "Signing in and roles"): the page offers
 * only the actions the role can use, so nobody clicks a button to be refused.
 */
const RANK: Record<string, number> = { viewer: 0, analyst: 0, supervisor: 1, manager: 2, admin: 3 };

/** The least role of each action. */
const NEEDS = {
  monitor: 'supervisor',
  note: 'supervisor',
  acknowledge: 'supervisor',
  takeover: 'manager',
  end: 'manager',
} as const;
export type Action = keyof typeof NEEDS;

export function can(role: string, action: Action): boolean {
  return (RANK[role] ?? -1) >= RANK[NEEDS[action]]!;
}
