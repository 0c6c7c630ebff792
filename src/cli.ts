/**
 * The `cc-supervisor` command: start | simulate | replay | repair-log. This is the composition root:
 * flags and environment are parsed here once, and typed objects are passed down.
 */
import { Command, Option } from 'commander';
import { loadConfig, systemClock } from './domain/index.js';
import { parseSettings, settingsFromEnv } from './engine/settings.js';
import { runStart } from './engine/start.js';
import { runSimulate } from './engine/simulate-command.js';
import { runReplay } from './engine/replay-command.js';
import { runRepairLog } from './engine/repair-command.js';

export async function main(argv: string[]): Promise<void> {
  // The one clock of the process: everything below reads "now" from it.
  const clock = systemClock;
  const program = new Command('cc-supervisor')
    .description('Supervisor engine for a call center')
    .showHelpAfterError()
    .exitOverride((err) => process.exit(err.exitCode));

  program
    .command('start')
    .description('run the engine: event log, processors, history, API and wallboard (simulator on by default)')
    .option('--config <file>', 'configuration file (YAML or JSON); default: the built-in demo (env CC_CONFIG)')
    .option('--port <n>', 'HTTP port (env CC_PORT or PORT)', undefined)
    .option('--host <addr>', 'HTTP listen address (env CC_HOST)')
    .option('--data <dir>', 'data directory for the embedded log and chDB (env CC_DATA_DIR)')
    .option('--no-sim', 'do not run the simulator (env CC_SIM=false)')
    .option('--no-catch-up', 'start the simulator at now instead of simulating the day so far (env CC_SIM_CATCH_UP=false)')
    .option('--seed <n>', 'simulator seed (env CC_SEED)')
    .option('--nats <url>', 'NATS JetStream URL: distributed event log (env NATS_URL)')
    .option('--clickhouse <url>', 'ClickHouse server URL instead of embedded chDB (env CLICKHOUSE_URL)')
    .option('--metrics-auth', 'require a bearer token on /metrics (env CC_METRICS_AUTH=true)')
    .option('--sip <host:port>', 'run the SIP edge (registrar, inbound calls, RTP) on this address (env CC_SIP)')
    .action(async (opts: Record<string, unknown>, cmd: Command) => {
      const flags: Record<string, unknown> = {
        configPath: opts.config,
        port: opts.port,
        host: opts.host,
        dataDir: opts.data,
        seed: opts.seed,
        natsUrl: opts.nats,
        clickhouseUrl: opts.clickhouse,
        metricsAuth: opts.metricsAuth,
        sip: opts.sip,
      };
      // --no-sim only counts when given; otherwise CC_SIM decides.
      if (cmd.getOptionValueSource('sim') === 'cli') flags.sim = opts.sim;
      if (cmd.getOptionValueSource('catchUp') === 'cli') flags.simCatchUp = opts.catchUp;
      const settings = parseSettings({ ...settingsFromEnv(process.env), ...defined(flags) });
      // The demo runs in the host's time zone, its busiest hour the one it starts in.
      const demo = { now: clock.now(), timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' };
      const config = await loadConfig(settings.configPath, demo);
      await runStart(settings, config, clock);
    });

  program
    .command('simulate')
    .description('simulate in virtual time and write CallEvent v1 as NDJSON')
    .option('--config <file>', 'configuration file; default: the built-in demo')
    .addOption(new Option('--seed <n>', 'random seed').argParser(intArg('--seed')))
    .addOption(new Option('--hours <h>', 'simulated hours').argParser(numArg('--hours')).default(8))
    .option('--out <file>', 'output file; default: standard output')
    .action(async (opts: { config?: string; seed?: number; hours: number; out?: string }) => {
      const config = await loadConfig(opts.config);
      await runSimulate({ config, seed: opts.seed, hours: opts.hours, out: opts.out });
    });

  program
    .command('replay')
    .description('append an NDJSON file of CallEvent v1 to the configured event log')
    .argument('<file>', 'NDJSON file ("-" for standard input)')
    .option('--data <dir>', 'data directory of the embedded log (env CC_DATA_DIR)')
    .option('--nats <url>', 'NATS JetStream URL (env NATS_URL)')
    .option('--config <file>', "configuration file whose ingest.max_future_skew_s bounds the lines' times (env CC_CONFIG); default: the built-in demo's")
    .action(async (file: string, opts: { data?: string; nats?: string; config?: string }) => {
      const settings = parseSettings({ ...settingsFromEnv(process.env), ...defined({ dataDir: opts.data, natsUrl: opts.nats, configPath: opts.config }) });
      const config = await loadConfig(settings.configPath);
      const code = await runReplay({ file, settings, clock, ingest: config.ingest });
      process.exitCode = code;
    });

  program
    .command('repair-log')
    .description('repair a damaged embedded event log: move unreadable lines aside, keep every readable one in order')
    .option('--data <dir>', 'data directory of the embedded log (env CC_DATA_DIR)')
    .option('--clickhouse <url>', 'ClickHouse server whose history checkpoints to reset (env CLICKHOUSE_URL); default: chDB in the data directory')
    .action(async (opts: { data?: string; clickhouse?: string }) => {
      const settings = parseSettings({ ...settingsFromEnv(process.env), ...defined({ dataDir: opts.data, clickhouseUrl: opts.clickhouse }) });
      process.exitCode = await runRepairLog(settings, clock);
    });

  try {
    await program.parseAsync(argv);
  } catch (e) {
    console.error(`cc-supervisor: ${(e as Error).message}`);
    process.exit(2);
  }
}

function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function intArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n)) throw new Error(`${name} must be an integer`);
    return n;
  };
}
function numArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
    return n;
  };
}
