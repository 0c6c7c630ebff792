/** Real-time processors: pure folds of CallEvent v1 and the runner that feeds them. */
export { isoMs } from './iso-ms.js';
export { createRunner, type Runner, type RunnerOptions, type RunnerSnapshot, type RunnerCounts, type ApplyResult, type ClosedAttemptRecord, type EndedTalkRecord, type DecidedBatch } from './runner.js';
export { type Changed } from './touched.js';
export { type TimedEvent } from './timed-event.js';
export { localDay, type DayBounds } from './local-day.js';
export { admissible } from './admissible.js';
export {
  evolveLive,
  initialLiveState,
  heldBefore,
  ENDED_GRACE_MS,
  TIMELINE_EVENTS,
  findCall,
  type LiveState,
  type LiveCall,
  type LiveAgent,
  type LiveQueue,
  type CallPhase,
} from './live-state.js';
export { evolveServiceLevel, initialServiceLevel, tickServiceLevel, tallyOf, type ServiceLevelState, type Tally, type AttemptOutcome } from './service-level.js';
export { evolveAgentStats, initialAgentStats, tickAgentStats, agentTallyAt, agentFigures, type AgentStatsState, type AgentTally } from './agent-stats.js';
export { viewSla, serviceLevels } from './sla-view.js';
export {
  initialHistoryRows,
  evolveHistoryRows,
  attemptClosed,
  callRow,
  loadedCall,
  type HistoryRowsState,
  type HistoryCall,
  type HistoryStep,
  type CallRow,
  type AttemptRow,
  type AgentStateRow,
  type CallOutcome,
} from './history-rows.js';
export { createHistoryRunner, type HistoryRunner, type HistoryRowsBatch } from './history-runner.js';
export { ratio, percent, serviceLevel, queueRates, agentRates, type ServiceLevelCounts, type StateTimes } from './formulas.js';
export { viewRealtime, currentWindow, configSlaRule, type SlaRuleOf } from './realtime-view.js';
export { viewQueueDetail, viewAgent, viewAgents, viewCall, viewActiveCalls, longestWait } from './live-views.js';
export {
  RealtimeView,
  CurrentWindow,
  QueueDetailView,
  AgentView,
  CallView,
  SlaView,
  SlaFigures,
  SlaWindow,
  SLA_WINDOWS,
  CALL_VIEW_STATES,
  ServiceLevelHeadline,
  AgentStateCounts,
  type AgentFilter,
} from './views.js';
export { queueConditions, ruleThresholds, alertKey, LONGEST_SLA_WINDOW_MIN, type AlertCondition, type ExtraSources, type Presence } from './alerts-conditions.js';
export {
  initialAlertBook,
  reconcileQueue,
  decideQueue,
  fireAlert,
  resolveAlert,
  newAlertId,
  acknowledgeAlert,
  restoreAlerts,
  queuesWithAlerts,
  type Alert,
  type AlertBook,
  type AlertChange,
  type AlertChangeKind,
  type AlertState,
  type AcknowledgeOutcome,
  type AlertDecision,
  type InFlight,
} from './alerts-lifecycle.js';
export { AlertView, ALERT_STATES, viewAlert, alertFromView, listAlerts, matchesAlert, type AlertFilter } from './alerts-view.js';
export {
  evolveRuleOverrides,
  initialRuleOverrides,
  rulesOf,
  describeRules,
  snapshotRuleOverrides,
  restoreRuleOverrides,
  type RuleOverride,
  type RuleOverrides,
  type RuleOverridesJson,
  type RulesDescription,
} from './alerts-rules.js';
export { erlangA, callerFates, type ErlangA, type ErlangAInput, type CallerFates, type QueueRates } from './erlang-a.js';
export { arrivalRates, dayProfile, SLOT_MS, SLOTS, type DayProfile } from './forecast-arrivals.js';
export { runModel, type ModelInput, type ModelOutput, type Expected } from './forecast-model.js';
export { workloadOf, agentShares, type WorkloadState, type QueueWorkloadFigures } from './forecast-workload.js';
export {
  forecastQueue,
  forecastInputs,
  expectedTally,
  expectedLevel,
  modelInterval,
  ForecastView,
  ForecastInterval,
  HorizonForecast,
  ForecastHorizon,
  FORECAST_HORIZONS,
  HORIZON_MIN,
  type ForecastOptions,
  type ForecastStates,
} from './forecast-view.js';
export { ForecastLedger } from './forecast-ledger.js';
export { breachOutlook, type BreachRule, type BreachOutlook } from './forecast-breach.js';
