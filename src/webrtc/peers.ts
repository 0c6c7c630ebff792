/**
 * Where a leg's UDP may go. A leg bound to a loopback address talks only to this machine
 * (its own addresses: a browser on the same machine checks from its interface address
 * towards 127.0.0.1, and both stay on the loopback device); a leg bound to a routable
 * address, or to every address, talks to any peer that completes ICE.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export const isLoopback = (address: string): boolean => address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));

/** Every address of this machine's interfaces, loopback included. */
export function ownAddresses(): Set<string> {
  const out = new Set<string>(['127.0.0.1', '::1']);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.add(a.address.split('%')[0]!);
  return out;
}

/** The peer rule for a leg bound to `address` (null: every address of the machine). */
export function peerRule(address: string | null): (peer: string) => boolean {
  if (address === null || !isLoopback(address)) return () => true;
  const own = ownAddresses();
  return (peer) => isLoopback(peer) || own.has(peer);
}
