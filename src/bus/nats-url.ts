/**
 * A NATS URL as the engine takes it (`NATS_URL`, `--nats`), credentials included:
 * `nats://user:password@host:4222` or `nats://token@host:4222`. nats.js does not read
 * credentials from a server URL, so they are lifted into its connect options, and the URL it
 * dials (and may print) carries none.
 */
export interface NatsConnectTarget {
  servers: string;
  user?: string;
  pass?: string;
  token?: string;
}

/** @example natsTarget('nats://cc-engine:secret@nats:4222') // { servers: 'nats://nats:4222', user: 'cc-engine', pass: 'secret' } */
export function natsTarget(url: string): NatsConnectTarget {
  let u: URL;
  try {
    u = new URL(url.includes('://') ? url : `nats://${url}`);
  } catch {
    return { servers: url };
  }
  if (u.username === '') return { servers: url };
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const servers = u.toString().replace(/\/$/, '');
  // Userinfo without a password is a token (nats-server's `authorization { token }`).
  return pass === '' ? { servers, token: user } : { servers, user, pass };
}
