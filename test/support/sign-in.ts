/**
 * The sign-in tests' world: a real OpenID Provider (test/fixtures/oidc-provider.ts) with
 * its users, groups and queue claim, and an engine process configured against it (auth.oidc,
 * a fixed address so it can restart on the same one), as a company would run them.
 */
import { createServer } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { startOidcProvider, type OidcProviderFixture, type ProviderUser } from '../fixtures/oidc-provider.js';
import { startEngineProcess, type EngineProcess } from './engine-process.js';
import { removeDir } from './temp-dir.js';

export const CLIENT = { client_id: 'cc-wallboard', client_secret: 'wallboard-secret-0123456789' };
export const API_AUDIENCE = 'urn:cc-supervisor:api';
export const ROBOTS = {
  /** A service account in the supervisors' group, scoped to support. */
  supervisor: { client_id: 'cc-robot', client_secret: 'robot-secret-0123456789', groups: ['cc-supervisors'], queues: ['support-queue'] },
  /** A service account of no mapped group. */
  stranger: { client_id: 'finance-robot', client_secret: 'finance-secret-0123456789', groups: ['finance'], queues: ['*'] },
};
export const RESOURCES = {
  api: { resource: API_AUDIENCE, audience: API_AUDIENCE },
  /** The same API, tokens that lapse in 2 s. */
  short: { resource: 'urn:cc-supervisor:api-short', audience: API_AUDIENCE, ttlS: 2 },
  /** Another API of the company: its tokens are not for the engine. */
  other: { resource: 'urn:payroll:api', audience: 'urn:payroll:api' },
};
export const USERS: Record<string, ProviderUser> = {
  ana: { password: 'ana-pass-1', name: 'Ana Supervisor', email: 'ana@example.com', groups: ['staff', 'cc-supervisors'], queues: ['sales-queue'] },
  victor: { password: 'victor-pass-1', name: 'Victor Viewer', email: 'victor@example.com', groups: ['cc-viewers'], queues: ['*'] },
  fiona: { password: 'fiona-pass-1', name: 'Fiona Finance', email: 'fiona@example.com', groups: ['finance', 'staff'], queues: ['*'] },
  // Her access token lapses every 3 s (the engine refreshes it) and her refresh token after 20 s: then the provider ends her session.
  eve: { password: 'eve-pass-1', name: 'Eve Shortlived', email: 'eve@example.com', groups: ['cc-managers'], queues: ['*'], accessTtlS: 3, refreshTtlS: 20 },
};

export const ENGINE_CONFIG = {
  queues: [
    { id: 'sales-queue', name: 'Sales' },
    { id: 'support-queue', name: 'Support' },
  ],
  agents: [
    { id: 'agent-001', name: 'Agent One', queues: ['sales-queue'] },
    { id: 'agent-002', name: 'Agent Two', queues: ['support-queue'] },
  ],
};

/** A free TCP port on 127.0.0.1 (the engine needs its address before it starts: its public_url). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface SignInWorld {
  provider: OidcProviderFixture;
  engine: EngineProcess;
  engineUrl: string;
  dataDir: string;
  /** Stops the engine (SIGTERM) and starts it again on the same address and data directory. */
  restart(): Promise<EngineProcess>;
  /** Replaces the provider (a key rotation): same issuer, a new key first. */
  rotateKeys(): Promise<void>;
  /** An access token (JWT) from the provider by the client credentials grant. */
  robotToken(robot: keyof typeof ROBOTS, resource: keyof typeof RESOURCES): Promise<string>;
  stop(): Promise<void>;
}

export async function startSignInWorld(o: { session?: { idle_timeout_s?: number; absolute_timeout_s?: number } } = {}): Promise<SignInWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cc-signin-'));
  const port = await freePort();
  const engineUrl = `http://127.0.0.1:${port}`;
  let provider = await startOidcProvider({ users: USERS, client: { ...CLIENT, engineUrl }, robots: Object.values(ROBOTS), resources: Object.values(RESOURCES) });
  const config = join(dataDir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      ...ENGINE_CONFIG,
      auth: {
        public_url: engineUrl,
        oidc: {
          issuer: provider.issuer,
          ...CLIENT,
          roles_claim: 'groups',
          role_map: { 'cc-viewers': 'viewer', 'cc-supervisors': 'supervisor', 'cc-managers': 'manager' },
          queues_claim: 'cc_queues',
          audience: API_AUDIENCE,
          clock_tolerance_s: 1,
          jwks_cooldown_s: 1,
        },
        ...(o.session ? { session: o.session } : {}),
      },
    }),
  );
  const data = join(dataDir, 'data');
  const start = () => startEngineProcess({ dataDir: data, port, config, env: { LOG_LEVEL: 'info' } });
  const world: SignInWorld = {
    provider,
    engine: await start(),
    engineUrl,
    dataDir,
    async restart() {
      world.engine.kill('SIGTERM');
      await world.engine.exited;
      world.engine = await start();
      return world.engine;
    },
    async rotateKeys() {
      provider = await provider.rotate();
      world.provider = provider;
    },
    async robotToken(robot, resource) {
      const r = ROBOTS[robot];
      const c = await oidc.discovery(new URL(provider.issuer), r.client_id, r.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const t = await oidc.clientCredentialsGrant(c, { resource: RESOURCES[resource].resource });
      return t.access_token;
    },
    async stop() {
      world.engine.kill('SIGTERM');
      await world.engine.exited;
      await provider.stop();
      await removeDir(dataDir);
    },
  };
  return world;
}
