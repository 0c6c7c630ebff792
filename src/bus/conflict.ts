/**
 * An event id names one event. A source that sends an id again with other content has a bug
 * (it reuses ids, or changed an event it had sent): the log keeps the first and answers
 * `conflict`, naming what differs, rather than `duplicate`, so the source learns it. The
 * same content sent again (a retry, a replay of the same file) stays a duplicate: both sides
 * are validated events (times normalised, keys in schema order), so equal content is equal
 * JSON.
 */
import type { CallEvent } from '../domain/index.js';
import type { AppendResult } from './log.js';

/**
 * `duplicate` when `sent` is the event stored at `seq`, else `conflict` naming the fields
 * that differ.
 * @example duplicateOrConflict(stored, { ...stored, note: 'other' }, 12) // { status: 'conflict', … 'note' … }
 */
export function duplicateOrConflict(stored: CallEvent, sent: CallEvent, seq: number): AppendResult {
  if (JSON.stringify(stored) === JSON.stringify(sent)) return { status: 'duplicate', id: sent.id, seq };
  const fields = [...new Set([...Object.keys(stored), ...Object.keys(sent)])].filter((k) => JSON.stringify(Reflect.get(stored, k)) !== JSON.stringify(Reflect.get(sent, k)));
  return {
    status: 'conflict',
    id: sent.id,
    seq,
    message: `id ${sent.id} is already in the log (seq ${seq}) with other content (${fields.join(', ')} differ): the first is kept; an event id names one event, send other content under a new id`,
  };
}
