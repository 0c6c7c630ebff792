export { simulate, simulateNdjson, type SimulateOptions, type SimulationSummary } from './simulate.js';
export { LiveSimulation, type LiveSimulationOptions } from './live.js';
export { CallCenterSim, type CallCenterOptions } from './call-center.js';
export { erlangC, agentsNeeded, type ErlangC, type ErlangCInput, type StaffingInput } from './erlang-c.js';
export { Rng, sampleDuration } from './random.js';
export { Scheduler } from './scheduler.js';
export { ArrivalProcess, localHourOf, surgeOf, NO_SURGE, type Surge } from './workload.js';
