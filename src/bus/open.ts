/**
 * Chooses the event log at the composition root: JetStream when a NATS URL is configured
 * (distributed mode), otherwise the in-process log, kept in `file` when one is given.
 */
import { InProcessLog } from './in-process-log.js';
import { JetStreamLog, type JetStreamLogOptions } from './jetstream-log.js';
import type { EventLog } from './log.js';

export interface OpenEventLogOptions {
  /** NATS_URL; when set the log is the JetStream stream there. */
  natsUrl?: string;
  /** The embedded log's file, normally `<data dir>/events.ndjson`. */
  file?: string;
  /** Told what opening the embedded log's file healed (a torn last line cut off). */
  onWarning?: (message: string) => void;
  /** Stream, subject prefix, duplicate window and connection name for JetStream. */
  jetstream?: Omit<JetStreamLogOptions, 'url'>;
}

/**
 * @example const log = await openEventLog({ natsUrl: settings.natsUrl, file: join(settings.dataDir, 'events.ndjson') });
 */
export async function openEventLog(options: OpenEventLogOptions = {}): Promise<EventLog> {
  if (options.natsUrl) return JetStreamLog.connect({ ...options.jetstream, url: options.natsUrl });
  return InProcessLog.open(options.file ? { file: options.file, ...(options.onWarning ? { onWarning: options.onWarning } : {}) } : {});
}
