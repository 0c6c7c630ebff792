import type { CallCenterEvent } from '../src/domain/index.js';

/**
 * What every processor folds: a logged event with its event time parsed once, by the
 * runner, into epoch ms (`at`), so no processor parses dates on the hot path.
 */
export interface TimedEvent {
  seq: number;
  /** Operational events never reach a processor: the runner admits them as they are. */
  event: CallCenterEvent;
  at: number;
}
