/**
 * Listeners sharded by channel (TWITCH_SHARD=i/n): the /monitor set is split so that every monitored
 * channel is joined by exactly one listener, while TWITCH_CHANNELS stay joined by each.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { inShard, shardSlot } from '../../src/ingest/twitch/channel-shard.js';
import type { LiveListener } from '../../src/ingest/twitch/live-listener.js';
import { startLiveListener } from '../../src/ingest/twitch/live-listener.js';
import { listenerMetrics } from '../../src/observability/metrics.js';
import { testLogger } from '../integration/support/kafka.js';
import { TwitchIrcTestServer } from '../support/twitch-irc-server.js';

const MONITORED = Array.from({ length: 24 }, (_, i) => `channel_${i}`);

const running: { close: () => Promise<unknown> }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.close();
});

describe('channel shards', () => {
  it('puts every login in exactly one of n slots, spread over all of them, the same in every process', () => {
    const logins = Array.from({ length: 3_000 }, (_, i) => `viewer${i}`);
    const counts = [0, 0, 0];
    for (const login of logins) {
      const owners = [1, 2, 3].filter((index) => inShard(login, { index, count: 3 }));
      expect(owners).toHaveLength(1);
      counts[(owners[0] as number) - 1]! += 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(800);
    // 32-bit FNV-1a (published test vectors: "a" → 0xe40c292c, "foobar" → 0xbf9cf968): fixed, so a shard keeps
    // its channels across restarts and versions.
    expect(shardSlot('a', 2 ** 32)).toBe(0xe40c292c + 1);
    expect(shardSlot('foobar', 2 ** 32)).toBe(0xbf9cf968 + 1);
    expect(inShard('Alpha', { index: shardSlot('alpha', 7), count: 7 })).toBe(true);
  });

  it('reads TWITCH_SHARD as i/n and refuses anything else with the expected form', () => {
    expect(loadConfig({ env: { TWITCH_SHARD: '2/3' }, dotenv: false }).twitch.shard).toEqual({
      index: 2,
      count: 3,
    });
    expect(loadConfig({ env: {}, dotenv: false }).twitch.shard).toEqual({ index: 1, count: 1 });
    for (const bad of ['3', '0/2', '4/3', 'a/b'])
      expect(() => loadConfig({ env: { TWITCH_SHARD: bad }, dotenv: false }), bad).toThrow(ConfigError);
    expect(() => loadConfig({ env: { TWITCH_SHARD: '4/3' }, dotenv: false })).toThrow(/TWITCH_SHARD.*i\/n/);
  });

  it('two listeners with shards 1/2 and 2/2 join each monitored channel once between them', async () => {
    const server = await TwitchIrcTestServer.start();
    running.push(server);
    const listeners: LiveListener[] = [];
    for (const shard of ['1/2', '2/2']) {
      const config = loadConfig({
        env: { TWITCH_IRC_URL: server.url, TWITCH_CHANNELS: 'alpha', TWITCH_SHARD: shard },
        dotenv: false,
      });
      const bus = new MemoryEventBus({ capacity: 1_000, firstOffset: 0 });
      const live = await startLiveListener(config, {
        bus,
        logger: testLogger(),
        metrics: listenerMetrics(new Registry()),
        readMonitored: () => Promise.resolve(MONITORED),
      });
      running.push({ close: () => live.close(0) }, { close: () => bus.close() });
      listeners.push(live);
    }
    await server.waitFor('every monitored channel joined', () =>
      MONITORED.every((c) => server.audience(c).length > 0),
    );
    await server.waitFor('alpha joined by both', () => server.audience('alpha').length === 2);
    for (const channel of MONITORED) expect(server.audience(channel), channel).toHaveLength(1);
    const shares = listeners.map((l) => l.listener.channels().filter((c) => c.login !== 'alpha').length);
    expect(shares[0]! + shares[1]!).toBe(MONITORED.length);
    expect(Math.min(...shares)).toBeGreaterThan(0);
  });
});
