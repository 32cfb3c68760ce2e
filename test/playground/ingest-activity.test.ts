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
      alerts: [],
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

  it('lists the latest alerts newest first, each once in its latest version, and tells listeners', () => {
    const activity = new InMemoryIngestActivity();
    const seen: IngestActivitySnapshot[] = [];
    activity.subscribe((s) => seen.push(s));
    const alert = (id: string, version: number, updatedAt: number) =>
      ({ id, kind: 'bot-wave', channel: 'alpha', title: `${id} v${version}`, version, updatedAt }) as const;
    activity.recordAlert(alert('w1', 1, 10));
    activity.recordAlert(alert('r1', 1, 20));
    activity.recordAlert(alert('w1', 3, 30));
    activity.recordAlert(alert('w1', 2, 25)); // an older version arriving late changes nothing
    expect(activity.snapshot().alerts.map((a) => a.title)).toEqual(['w1 v3', 'r1 v1']);
    expect(seen).toHaveLength(3);
    for (let i = 0; i < 7; i += 1) activity.recordAlert(alert(`x${i}`, 1, 40 + i));
    expect(activity.snapshot().alerts.map((a) => a.id)).toEqual(['x6', 'x5', 'x4', 'x3', 'x2']);
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
