export { Rewinder, type Checkpoint, type RewindOutcome, type RewinderOptions } from './rewinder.js';
