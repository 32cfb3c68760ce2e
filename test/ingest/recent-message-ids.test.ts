import { describe, expect, it } from 'vitest';
import { RecentMessageIds } from '../../src/ingest/worker/recent-message-ids.js';

describe('RecentMessageIds', () => {
  it('remembers the last `capacity` distinct ids, forgetting the oldest first', () => {
    const ids = new RecentMessageIds(3);
    for (const id of ['a', 'b', 'c', 'b', 'd']) ids.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
    expect(ids.size).toBe(3);
    ids.add('e');
    expect(['b', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });

  it('stays within its capacity however many ids pass through', () => {
    const ids = new RecentMessageIds(1_000);
    for (let i = 0; i < 50_000; i += 1) ids.add(`id-${i}`);
    expect(ids.size).toBe(1_000);
    expect(ids.has('id-48999')).toBe(false);
    expect(ids.has('id-49000')).toBe(true);
  });

  it('remembers nothing with capacity 0 and refuses a negative one', () => {
    const ids = new RecentMessageIds(0);
    ids.add('a');
    expect(ids.has('a')).toBe(false);
    expect(() => new RecentMessageIds(-1)).toThrow(RangeError);
  });
});
