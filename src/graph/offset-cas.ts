/**
 * The compare-and-set rule of `GraphStore.applyChatActivity`, shared by every adapter so that they refuse
 * the same writes. Adapters read the stored offsets inside their atomic write and ask this module.
 */
import type { OffsetUpdate } from '../domain/graph-records.js';
import type { OffsetConflict } from './graph-store.port.js';
import { GraphStoreError, OffsetConflictError } from './graph-store.port.js';

const WHOLE_NUMBER = /^-?\d{1,19}$/;

/** Offsets are 64-bit integers carried as decimal strings; anything else is a caller's bug. */
export function checkOffsetUpdate(update: OffsetUpdate): void {
  for (const value of [update.offset, update.from]) {
    if (!WHOLE_NUMBER.test(value))
      throw new GraphStoreError(
        `Consumer offset ${JSON.stringify(value)} for ${update.topic}/${update.partition} is not a whole number`,
        'GRAPH_BAD_INPUT',
        false,
      );
  }
}

/**
 * The updates whose stored offset is above their batch's first offset. `storedOf` gives the stored offset
 * (the next one to read) of an update's partition, or undefined when none is stored.
 */
export function offsetConflicts(
  updates: readonly OffsetUpdate[],
  storedOf: (update: OffsetUpdate) => bigint | undefined,
): OffsetConflict[] {
  const conflicts: OffsetConflict[] = [];
  for (const update of updates) {
    const stored = storedOf(update);
    if (stored !== undefined && stored > BigInt(update.from)) {
      const { group, topic, partition, from } = update;
      conflicts.push({ group, topic, partition, stored: stored.toString(), from });
    }
  }
  return conflicts;
}

/** Throw `OffsetConflictError` when any update conflicts; see `offsetConflicts`. */
export function assertNoOffsetConflict(
  updates: readonly OffsetUpdate[],
  storedOf: (update: OffsetUpdate) => bigint | undefined,
): void {
  const conflicts = offsetConflicts(updates, storedOf);
  if (conflicts.length > 0) throw new OffsetConflictError(conflicts);
}
