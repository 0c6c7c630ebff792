/**
 * Test helper: history the way the engine writes it, without the rest of the engine: the
 * log feeds the one runner (the admission gate), whose decisions feed the history writer.
 */
import { createRunner, type Runner, type RunnerOptions } from '../../processors/index.js';
import type { EventLog } from '../../src/bus/index.js';
import type { Config } from '../../src/domain/index.js';
import { Pipeline } from '../../src/engine/pipeline.js';
import { EngineMetrics } from '../../src/metrics/index.js';
import { createHistoryWriter, type HistoryStore, type HistoryWriter, type HistoryWriterOptions } from '../../src/store/index.js';
import { TEST_NOW } from '../support/time.js';

export interface HistoryFeed {
  runner: Runner;
  pipeline: Pipeline;
  writer: HistoryWriter;
  /** Resolves once history holds everything in the log now. */
  caughtUp(seq?: number): Promise<void>;
  /** Stops reading; `flush: false` drops what is pending (as a crash would). */
  stop(o?: { flush?: boolean }): Promise<void>;
}

export async function startHistory(
  store: HistoryStore,
  log: EventLog,
  config: Config,
  o: Partial<Pick<HistoryWriterOptions, 'name' | 'maxBatch' | 'maxDelayMs' | 'retryMs' | 'stallAfterMs' | 'onQuarantine' | 'fullCheckpointEvery'>> & { runner?: RunnerOptions } = {},
): Promise<HistoryFeed> {
  const { runner: runnerOptions, ...writerOptions } = o;
  const runner = createRunner(config, runnerOptions);
  const pipeline = new Pipeline(log, runner, new EngineMetrics({ queues: () => [], serviceLevels: () => [] }));
  const writer = createHistoryWriter({ store, feed: pipeline, now: () => TEST_NOW, ...writerOptions });
  await writer.start();
  await pipeline.start();
  return {
    runner,
    pipeline,
    writer,
    async caughtUp(seq) {
      await writer.caughtUp(seq ?? (await log.lastSeq()));
    },
    async stop({ flush = true } = {}) {
      await pipeline.stop();
      await writer.stop({ flush });
    },
  };
}
