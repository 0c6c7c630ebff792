/** What an alert says, in the board's words (queue names, waits as m:ss, the window an SLA alert is over). */
import type { AlertItem } from '../../src/realtime/protocol.js';
import { seconds } from './format.js';
import type { Names } from './names.js';

export function alertText(a: AlertItem, names: Names): string {
  const q = names.queue(a.queue);
  switch (a.type) {
    case 'sla_below_threshold':
      return `Service level of ${q} over the last ${a.window_min ?? '?'} min at ${a.last_value.toFixed(1)}% is below its target of ${a.threshold}%`;
    case 'queue_overflow':
      return `${a.last_value} calls wait in ${q}, more than its maximum of ${a.threshold}`;
    case 'wait_timeout':
      return `A call in ${q} has waited more than ${seconds(a.threshold)}`;
    case 'no_available_agents':
      return `Every member agent of ${q} is offline or away`;
    case 'sla_forecast':
      return `Service level of ${q} predicted to fall to ${a.last_value.toFixed(1)}%, below its target of ${a.threshold}%${a.detail ? ` (${a.detail})` : ''}`;
    case 'help_requested':
      return `${a.detail ?? 'An agent'} asks for help on a call in ${q}`;
  }
}
