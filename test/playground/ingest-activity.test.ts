import { describe, expect, it } from 'vitest';
import type { IngestActivitySnapshot } from '../../src/playground/ingest-activity.js';
import { InMemoryIngestActivity } from '../../src/playground/ingest-activity.js';

describe('ingest activity for the live panel', () => {
  it('keeps events per second over a window and the newest distinct names first', () => {
    let now = 1_000_000;
    const activity = new InMemoryIngestActivity({ windowMs: 10_000, chatters: 3, now: () => now });
    const seen: IngestActivitySnapshot[] = [];
    const unsubscribe = activity.subscribe((s) => seen.push(s));
    activity.record({ events: 50, chatters: ['a', 'b'], channels: ['x'] });
    now += 5_000;
    activity.record({ events: 150, chatters: ['c', 'a', 'd'], channels: ['y', 'x'] });
    expect(activity.snapshot()).toEqual({
      eventsPerSecond: 20,
      totalEvents: 200,
      batches: 2,
      lastBatchAt: now,
      newestChatters: ['d', 'a', 'c'],
      newestChannels: ['x', 'y'],
    });
    expect(seen).toHaveLength(2);
    now += 6_000;
    expect(activity.snapshot().eventsPerSecond).toBe(15);
    now += 10_000;
    expect(activity.snapshot().eventsPerSecond).toBe(0);
    unsubscribe();
    activity.record({ events: 1, chatters: [], channels: [] });
    expect(seen).toHaveLength(2);
  });

  it('keeps recording when a listener throws', () => {
    const activity = new InMemoryIngestActivity();
    activity.subscribe(() => {
      throw new Error('page went away');
    });
    expect(() => activity.record({ events: 1, chatters: ['a'], channels: [] })).not.toThrow();
    expect(activity.snapshot().totalEvents).toBe(1);
  });
});
