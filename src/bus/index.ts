export type {
  EventLog,
  LoggedEvent,
  AppendResult,
  StoreFailure,
  LogStatus,
  Health,
  SubscribeOptions,
  Subscription,
  BatchHandler,
} from './log.js';
export { STORE_FAILURE_KINDS } from './log.js';
export { InProcessLog, type InProcessLogOptions } from './in-process-log.js';
export { JetStreamLog, type JetStreamLogOptions } from './jetstream-log.js';
export { openEventLog, type OpenEventLogOptions } from './open.js';
export { appendOrThrow, NotStoredError } from './append-or-throw.js';
export { DamagedLogFileError } from './ndjson-lines.js';
export { repairLogFile, type RepairReport } from './ndjson-repair.js';
export { syncDirectory } from './fsync.js';
