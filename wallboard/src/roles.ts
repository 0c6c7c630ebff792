/**
 * What the signed-in role may do, as the API decides it (docs/api.md, "Signing in and roles"): the page offers
 * only the actions the role can use, so nobody clicks a button to be refused.
 */
const ORDER = ['viewer', 'supervisor', 'manager', 'admin'];

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
  return ORDER.indexOf(role) >= ORDER.indexOf(NEEDS[action]);
}
