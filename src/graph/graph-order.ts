/**
 * Orderings and small naming rules every GraphStore adapter shares, so that all backends list the same
 * rows in the same order.
 */
import type { ConsumerOffset } from '../domain/graph-records.js';
import type { RankedName } from './graph-store.port.js';

/** Plain code-unit order, the same as Cypher's `ORDER BY` on strings (no locale). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byCountThenName(a: RankedName, b: RankedName): number {
  return b.count - a.count || compareNames(a.name, b.name);
}

export function offsetKey(offset: Pick<ConsumerOffset, 'group' | 'topic' | 'partition'>): string {
  return `${offset.group}\u0000${offset.topic}\u0000${offset.partition}`;
}

/** What to call a stream known only by id (no login yet). */
export function streamDisplayName(login: string | null, id: string): string {
  return login ?? `#${id}`;
}
