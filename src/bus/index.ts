export type { EventLog, LoggedEvent, AppendResult, LogStatus, Health, SubscribeOptions, Subscription, BatchHandler } from './log.js';
