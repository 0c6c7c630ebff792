/**
 * `cc-supervisor start`: runs the engine until SIGINT/SIGTERM, then stops it cleanly
 * (simulator, HTTP, subscriptions, log, lock) so the data directory is never left torn.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Clock, Config } from '../domain/index.js';
import { Engine } from './engine.js';
import type { EngineSettings } from './settings.js';

export async function runStart(settings: EngineSettings, config: Config, clock: Clock): Promise<void> {
  const say = (line: string) => console.log(`[cc-supervisor] ${line}`);
  // A fresh clone has no built wallboard: build it once (about a second) so `npm start` just works.
  if (!existsSync(fileURLToPath(new URL('../../wallboard/dist/app.js', import.meta.url)))) {
    say('building the wallboard (first start)...');
    const { buildWallboard } = await import('../../wallboard/build.js');
    await buildWallboard();
  }
  const engine = await Engine.start({ settings, config, clock, say });
  const host = settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host;
  const base = `http://${host}:${engine.port}`;
  say(`engine up: ${engine.log.kind} event log${settings.natsUrl ? ` (${settings.natsUrl})` : ` in ${settings.dataDir}/`}, simulator ${settings.sim ? 'on' : 'off'}`);
  say(`wallboard  ${base}/`);
  say(`API        ${base}/cc/realtime   (OpenAPI: ${base}/cc/openapi.json)`);
  say(`health     ${base}/healthz  ${base}/readyz    metrics ${base}/metrics`);
  if (engine.auth.oidc) say(`sign-in    ${config.auth.public_url ?? base}/ with ${engine.auth.oidc.issuer} (OpenID Connect)`);
  if (engine.demoTokens.length > 0) {
    say(`demo sign-in (no users configured; these tokens are kept in ${settings.dataDir}/auth/demo-tokens.json, the same at every start):`);
    for (const t of engine.demoTokens) say(`  ${t.role.padEnd(10)} ${t.token}`);
    say(`  paste one on the wallboard's sign-in page, or: curl -H "Authorization: Bearer ${engine.demoTokens[0]!.token}" ${base}/cc/realtime`);
    say(`  a wall screen stays signed in with a display link: curl -X POST -H "Authorization: Bearer ${engine.demoTokens.find((t) => t.role === 'admin')!.token}" -H 'content-type: application/json' -d '{"name":"TV"}' ${base}/cc/display-links`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      say('second signal: exiting now');
      engine.releaseDataDirNow();
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: stopping`);
    // Stop has its own deadlines; this is the last word: never more than 10 s after the signal.
    setTimeout(() => {
      say('not stopped after 10 s: exiting now (the log holds every stored event; history takes up from its checkpoint)');
      engine.releaseDataDirNow();
      process.exit(1);
    }, 10_000).unref();
    try {
      await engine.stop();
      say('stopped cleanly');
      process.exit(0);
    } catch (e) {
      console.error('stop failed', e);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
