export { Acd, counterIds } from './acd.js';
export { decide, type AgentCommand, type CallCommand } from './decide.js';
export { evolve, applyEvent } from './fold.js';
export { AcdState, initialAcdState, type AcdAgent, type AcdCall, type AcdStore, type CallPhase } from './state.js';
export { Draft } from './draft.js';
export { route, pickAgent } from './routing.js';
export { timersFor, ringTimerKey, waitTimerKey } from './timers.js';
export { DIRECT_QUEUE } from './call-commands.js';
export type { AcdCommand, AcdCommandType, AcdContext, Decision, TimerOp, Party, TransferTarget } from './commands.js';
