/**
 * The alerts consumer's "posted once": redelivered versions are skipped, a restarted consumer resumes at the
 * position stored in the graph, and a post repeated after a crash (posted, not yet recorded) comes back from
 * Discord as the same message thanks to its nonce. Real in-process bus, embedded store, the Discord poster
 * against the local Discord REST server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { AlertEvent } from '../../src/domain/alert-event.js';
import { encodeAlertEvent } from '../../src/domain/alert-event.js';
import { alertPosterFor } from '../../src/discord/alert-poster.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { AlertConsumer } from '../../src/ingest/alerts/alert-consumer.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { silentLogger } from '../../src/logging.js';
import { ALERTS_DISCORD_CHANNEL, embedOf } from '../support/alerts-rig.js';
import { FakeDiscord } from '../support/fake-discord.js';

const T = Date.UTC(2026, 11, 4, 15, 0, 0);

function alert(version: number, accounts: number): AlertEvent {
  return {
    v: 1,
    id: 'bot-wave:alpha:1',
    kind: 'bot-wave',
    version,
    channel: { id: '1001', login: 'alpha' },
    openedAt: T,
    updatedAt: T + version,
    emittedAt: T,
    title: `Bot wave in #alpha: ${accounts} first-time chatters, ${accounts} new accounts`,
    facts: ['No action was taken on Twitch.'],
    wave: { firstTimers: accounts, newAccounts: accounts, windowMs: 60_000, basis: 'graph' },
    accounts: Array.from({ length: Math.min(accounts, 25) }, (_, i) => ({
      login: `bot${i}`,
      createdAt: null,
      seenIn: [],
      seenInCount: 0,
      isNew: true,
    })),
    accountCount: accounts,
  };
}

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('alerts consumer', () => {
  it('posts once, edits for later versions, skips redeliveries; a replica taking over skips what was handled', async () => {
    fake = await FakeDiscord.start();
    const config = loadConfig({
      env: { DISCORD_TOKEN: 't', DISCORD_API_URL: fake.url, DISCORD_APP_ID: '1200000000000000001' },
      dotenv: false,
    });
    const poster = alertPosterFor(config);
    if (poster === null) throw new Error('no poster');
    const graph = EmbeddedGraphStore.inMemory();
    await graph.setAlertRule({
      channel: 'alpha',
      discordChannel: ALERTS_DISCORD_CHANNEL,
      sensitivity: 'normal',
      requestedBy: 't',
      since: T,
    });
    const bus = new MemoryEventBus({ capacity: 1_000, firstOffset: 0 });
    const publisher = await bus.publisher();
    const options = { topic: 'alerts', group: 'bots', partitions: 1, batchMaxWaitMs: 5 };
    const send = (a: AlertEvent) => publisher.publish('alerts', [{ key: a.id, value: encodeAlertEvent(a) }]);

    const first = new AlertConsumer({ bus, graph, logger: silentLogger, poster }, options);
    const running = first.run();
    await send(alert(1, 15));
    await send(alert(2, 30));
    await send(alert(2, 30)); // a redelivered version
    await fake.waitFor((r) => r.method === 'PATCH');
    await expect.poll(() => first.stats.skipped).toBe(1);
    first.stop();
    await running;

    // A second replica takes over; an older version arriving late changes nothing, a newer one edits.
    const second = new AlertConsumer({ bus, graph, logger: silentLogger, poster }, options);
    const again = second.run();
    await send(alert(1, 15));
    await send(alert(3, 40));
    await fake.waitFor((r) => r.method === 'PATCH' && embedOf(r).title.includes('40 first-time'));
    await expect.poll(() => second.stats.handled + second.stats.skipped).toBe(2);
    second.stop();
    await again;

    const posts = fake.requests.filter((r) => r.path.startsWith('/channels/'));
    expect(posts.map((r) => r.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(second.stats).toMatchObject({ handled: 1, skipped: 1, posted: 0, edited: 1 });
    expect(await graph.alertRecord('bot-wave:alpha:1')).toMatchObject({ version: 3, accounts: 40 });
    await bus.close();
  });

  it('a post repeated after a crash (posted, not recorded) is the same Discord message', async () => {
    fake = await FakeDiscord.start();
    const config = loadConfig({
      env: { DISCORD_TOKEN: 't', DISCORD_API_URL: fake.url, DISCORD_APP_ID: '1200000000000000001' },
      dotenv: false,
    });
    const poster = alertPosterFor(config);
    if (poster === null) throw new Error('no poster');
    const once = await poster.post(alert(1, 15), ALERTS_DISCORD_CHANNEL, null);
    const twice = await poster.post(alert(1, 15), ALERTS_DISCORD_CHANNEL, null);
    expect(twice).toBe(once);
    expect(fake.channelMessages.size).toBe(1);
    const [a, b] = fake.requests.filter((r) => r.method === 'POST');
    expect((a?.body as { nonce?: string }).nonce).toBe((b?.body as { nonce?: string }).nonce);
  });

  it('a Discord channel the bot may not post in is a failure not worth retrying', async () => {
    fake = await FakeDiscord.start();
    fake.forbiddenChannels.add(ALERTS_DISCORD_CHANNEL);
    const config = loadConfig({
      env: { DISCORD_TOKEN: 't', DISCORD_API_URL: fake.url, DISCORD_APP_ID: '1200000000000000001' },
      dotenv: false,
    });
    const poster = alertPosterFor(config);
    if (poster === null) throw new Error('no poster');
    await expect(poster.post(alert(1, 15), ALERTS_DISCORD_CHANNEL, null)).rejects.toMatchObject({
      code: 'ALERT_POST_FAILED',
      canRetry: false,
    });
  });
});
