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

/** What `findStreamer` looks for: the name without spaces, a leading `@` or `#`, lower-cased. */
export function wantedStreamName(name: string): string {
  return name.trim().replace(/^[@#]/, '').toLowerCase();
}

/** Streamers equal on the measure a list sorts by: by login, then by id (a stream without a login sorts first). */
export function compareStreamers(a: { login: string; id: string }, b: { login: string; id: string }): number {
  return compareNames(a.login, b.login) || compareNames(a.id, b.id);
}

/**
 * Which of the streams whose display name matched `findStreamer` answers it: display names are not unique
 * (two channels may both call themselves "Shroud"), so every backend takes the first by login, then id.
 */
export function pickByDisplayName<T extends { login: string; id: string }>(matches: readonly T[]): T | null {
  let best: T | null = null;
  for (const m of matches) if (best === null || compareStreamers(m, best) < 0) best = m;
  return best;
}
