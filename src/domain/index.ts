export {
  CallEvent,
  CallCenterEvent,
  EVENT_TYPES,
  OPERATIONAL_EVENT_TYPES,
  HELP_VIA,
  HELP_END_REASONS,
  isOperationalType,
  isOperational,
  type OperationalEvent,
  type OperationalEventType,
  AGENT_STATES,
  MONITOR_MODES,
  AgentState,
  MonitorMode,
  Id,
  EventTime,
  MONITOR_ENDPOINTS,
  isAgentEvent,
  type AgentEvent,
  type CallScopedEvent,
  type CallEventInput,
  type CallEventType,
  type EventOf,
} from './events.js';
export { validateEvent, eventTimeMs, problemsOf, describeProblems, type FieldProblem, type Validation } from './validate.js';
export {
  Config,
  QueueConfig,
  AgentConfig,
  UserConfig,
  SimConfig,
  QueueWorkload,
  SlFormula,
  Role,
  ROLES,
  ROLE_RANK,
  HISTORY_QUERY_ROLES,
  SL_FORMULAS,
  queueSettings,
  AlertRuleSettings,
  WebhookConfig,
  ALERT_TYPES,
  ALERT_EVENTS,
  DEFAULT_ANSWER_DELAY,
  type AlertRules,
  type AlertType,
  type ConfigInput,
  type Duration,
} from './config.js';
export { AuthConfig, OidcConfig, isLoopbackUrl } from './auth-config.js';
export { SipConfig, SipCredentials, SipTrunk, MediaEncryption, HostPort, normalizeNumber } from './sip-config.js';
export { demoConfig, demoProfile, type DemoOptions } from './demo-config.js';
export { loadConfig, parseConfig, ConfigError } from './load-config.js';
export { systemClock, shiftedClock, ManualClock, type Clock, type CancelTimer } from './clock.js';
export { parseTime, isCanonicalTime, Instant, TIME_RULE, TIME_YEARS, timeMeta } from './time.js';
export { WholeNumber, TimeZone, TimeZoneOr, canonicalTimeZone, TIME_ZONE_RULE } from './params.js';
export { asciiJson } from './ascii-json.js';
export { IngestSettings, timeOutOfBounds } from './admission.js';
export { Text, NoteText, Attributes, ATTRIBUTE_LIMITS, TEXT_RULE, VISIBLE_RULE, isWellFormedText, hasVisibleCharacter } from './text.js';
export { sourceFingerprint } from './source-fingerprint.js';
