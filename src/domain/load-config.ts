import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { Config } from './config.js';
import { demoConfig, type DemoOptions } from './demo-config.js';
import { describeProblems, problemsOf } from './validate.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses and validates a configuration object; throws ConfigError naming every bad field. */
export function parseConfig(raw: unknown, origin = 'configuration'): Config {
  const parsed = Config.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${origin}: ${describeProblems(problemsOf(parsed.error))}`);
  const config = parsed.data;
  const dup = (ids: string[]) => ids.find((id, i) => ids.indexOf(id) !== i);
  const dq = dup(config.queues.map((q) => q.id));
  if (dq) throw new ConfigError(`${origin}: queues contains "${dq}" twice`);
  const da = dup(config.agents.map((a) => a.id));
  if (da) throw new ConfigError(`${origin}: agents contains "${da}" twice`);
  const du = dup(config.users.map((u) => u.name));
  if (du) throw new ConfigError(`${origin}: users contains "${du}" twice`);
  const sipUsers = [...config.agents, ...config.users].flatMap((x) => (x.sip ? [x.sip.user] : []));
  const ds = dup(sipUsers);
  if (ds) throw new ConfigError(`${origin}: the SIP user "${ds}" is given to two agents or users`);
  const dn = dup(config.queues.flatMap((q) => q.numbers));
  if (dn) throw new ConfigError(`${origin}: the number "${dn}" is given to two queues`);
  for (const u of config.users) {
    if (u.agent !== undefined && !config.agents.some((a) => a.id === u.agent)) throw new ConfigError(`${origin}: users.${u.name}.agent names "${u.agent}", which is not in agents`);
  }
  if (config.auth.oidc && !config.auth.public_url) throw new ConfigError(`${origin}: auth.public_url is required with auth.oidc (the provider sends the browser back to <public_url>/auth/callback)`);
  return config;
}

/**
 * Loads a YAML or JSON file (YAML is a superset of JSON), or the demo when no path is
 * given (`demo` says when and where it runs; without it the demo is the same at any hour).
 */
export async function loadConfig(path?: string, demo?: DemoOptions): Promise<Config> {
  if (!path) return parseConfig(demoConfig(demo), 'demo configuration');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${path}: cannot be read (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${path}: is not valid YAML or JSON (${(e as Error).message})`);
  }
  return parseConfig(raw ?? {}, path);
}
