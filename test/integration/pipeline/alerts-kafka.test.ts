/**
 * Live alerts over Kafka with two bot replicas in one consumer group: each alert is posted to the local
 * Discord REST server exactly once and edited to its latest version, also after one replica leaves and the
 * other takes its partitions over (docs/ARCHITECTURE.md, "Live alerts").
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { AlertEvent } from '../../../src/domain/alert-event.js';
import { encodeAlertEvent } from '../../../src/domain/alert-event.js';
import { alertPosterFor } from '../../../src/discord/alert-poster.js';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import { AlertConsumer } from '../../../src/ingest/alerts/alert-consumer.js';
import { ALERTS_DISCORD_CHANNEL, embedOf } from '../../support/alerts-rig.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { testLogger, useKafka } from '../support/kafka.js';

const kafka = useKafka();
const T = Date.UTC(2026, 11, 4, 15, 0, 0);
const ALERTS = 20;

function alert(n: number, version: number): AlertEvent {
  const accounts = 10 + version * 5;
  return {
    v: 1,
    id: `bot-wave:ch${n}:${T}`,
    kind: 'bot-wave',
    version,
    channel: { id: String(1000 + n), login: `ch${n}` },
    openedAt: T,
    updatedAt: T + version,
    emittedAt: T,
    title: `Bot wave in #ch${n}: ${accounts} first-time chatters, ${accounts} new accounts`,
    facts: [],
    wave: { firstTimers: accounts, newAccounts: accounts, windowMs: 60_000, basis: 'graph' },
    accounts: [],
    accountCount: accounts,
  };
}

describe('live alerts over Kafka', () => {
  it('two replicas in one group post each alert once and edit it to its last version, across a hand-over', async () => {
    const fake = await FakeDiscord.start();
    try {
      const config = loadConfig({
        env: { DISCORD_TOKEN: 't', DISCORD_API_URL: fake.url, DISCORD_APP_ID: '1200000000000000001' },
        dotenv: false,
      });
      const graph = EmbeddedGraphStore.inMemory();
      for (let n = 0; n < ALERTS; n += 1) {
        await graph.setAlertRule({
          channel: `ch${n}`,
          discordChannel: ALERTS_DISCORD_CHANNEL,
          sensitivity: 'normal',
          requestedBy: 't',
          since: T,
        });
      }
      const topic = kafka.topic('alerts');
      const group = kafka.group('bots');
      const producerBus = kafka.bus();
      await producerBus.ensureTopics([{ name: topic, partitions: 3 }]);
      const publisher = await producerBus.publisher();
      const replica = () => {
        const poster = alertPosterFor(config);
        if (poster === null) throw new Error('no poster');
        const consumer = new AlertConsumer(
          { bus: kafka.bus(), graph, logger: testLogger(), poster },
          { topic, group, partitions: 3, batchMaxWaitMs: 20, retryInitialMs: 50 },
        );
        return { consumer, running: consumer.run() };
      };
      const a = replica();
      const b = replica();
      const publishVersion = (version: number) =>
        publisher.publish(
          topic,
          Array.from({ length: ALERTS }, (_, n) => {
            const event = alert(n, version);
            return { key: event.id, value: encodeAlertEvent(event) };
          }),
        );
      const recordsAt = async (version: number) => {
        for (let n = 0; n < ALERTS; n += 1) {
          if ((await graph.alertRecord(alert(n, 1).id))?.version !== version) return false;
        }
        return true;
      };
      for (const version of [1, 2, 3]) await publishVersion(version);
      await expect.poll(() => recordsAt(3), { timeout: 60_000, interval: 200 }).toBe(true);

      a.consumer.stop();
      await a.running;
      await publishVersion(4);
      await publishVersion(2); // a late, older version: changes nothing
      await expect.poll(() => recordsAt(4), { timeout: 60_000, interval: 200 }).toBe(true);
      b.consumer.stop();
      await b.running;

      const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/channels/'));
      expect(posts).toHaveLength(ALERTS);
      expect(new Set(posts.map((r) => embedOf(r).title.split(':')[0])).size).toBe(ALERTS);
      expect(fake.channelMessages.size).toBe(ALERTS);
      // The last edit of every message is version 4 (30 first-time chatters).
      const last = new Map<string, string>();
      for (const r of fake.requests.filter((x) => x.path.startsWith('/channels/') && x.status === 200)) {
        const messageId = r.path.split('/')[4];
        if (messageId !== undefined) last.set(messageId, embedOf(r).title);
      }
      expect([...last.values()].every((title) => title.includes('30 first-time chatters'))).toBe(true);
      expect(last.size).toBe(ALERTS);
      const handled = a.consumer.stats.handled + b.consumer.stats.handled;
      expect(handled).toBe(ALERTS * 4);
      await graph.close();
    } finally {
      await fake.close();
    }
  });
});
