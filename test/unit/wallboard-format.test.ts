/** The wallboard's one duration format and its role rules, as tables. */
import { describe, expect, it } from 'vitest';
import { pct, seconds, slState } from '../../wallboard/src/format.js';
import { can, type Action } from '../../wallboard/src/roles.js';

describe('durations read one way: m:ss, h:mm:ss from an hour', () => {
  it.each([
    [0, '0:00'],
    [7.9, '0:07'],
    [59, '0:59'],
    [171, '2:51'],
    [199, '3:19'],
    [3600, '1:00:00'],
    [3723, '1:02:03'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('%s s reads %s', (s, text) => expect(seconds(s)).toBe(text));
});

describe('rates and the service level against its target', () => {
  it.each([
    [100, '100.0%'],
    [46.47999999999999, '46.5%'],
    [null, '—'],
  ])('%s reads %s', (v, text) => expect(pct(v)).toBe(text));
  it.each([
    [85, 80, 'ok'],
    [80, 80, 'ok'],
    [72, 80, 'warn'],
    [69.9, 80, 'bad'],
    [null, 80, 'none'],
  ] as const)('%s against %s is %s', (v, t, state) => expect(slState(v, t)).toBe(state));
});

describe('what a role is offered', () => {
  const actions: Action[] = ['monitor', 'note', 'acknowledge', 'takeover', 'end'];
  it.each([
    ['viewer', []],
    ['supervisor', ['monitor', 'note', 'acknowledge']],
    ['manager', actions],
    ['admin', actions],
  ] as const)('%s: %j', (role, allowed) => expect(actions.filter((a) => can(role, a))).toEqual(allowed));
});
