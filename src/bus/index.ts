export type {
  EventLog,
  LoggedEvent,
  AppendResult,
  LogStatus,
  Health,
  SubscribeOptions,
  Subscription,
  BatchHandler,
} from './log.js';
export { InProcessLog, type InProcessLogOptions } from './in-process-log.js';
export { JetStreamLog, type JetStreamLogOptions } from './jetstream-log.js';
export { openEventLog, type OpenEventLogOptions } from './open.js';
