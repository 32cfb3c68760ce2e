/**
 * Live alerts end to end (test/support/alerts-rig.ts): chat scripted on the local Twitch IRC server, alerts
 * checked as they reach the local Discord REST server — the message, its edits and its picture — and as
 * the graph records them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { AlertsRig } from '../support/alerts-rig.js';
import { ALERTS_DISCORD_CHANNEL, embedOf, PNG_MAGIC, startAlertsRig } from '../support/alerts-rig.js';

const ROOMS = { alpha: '1001', raider: '2002', other: '3003' };
const T = Date.UTC(2026, 11, 4, 15, 0, 0);

let rig: AlertsRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Three channels; raider's audience r1–r6 and others' k1–k2 imported from CSV; regulars of alpha. */
async function seed(graph: EmbeddedGraphStore): Promise<void> {
  const streamer = (id: string, login: string) => ({
    id,
    login,
    displayName: login,
    game: 'Chess',
    language: 'en',
    url: `https://www.twitch.tv/${login}`,
    followers: 100,
    totalViewCount: 1_000,
    createdAt: null,
    description: '',
  });
  await graph.upsertStreamers([
    streamer('1001', 'alpha'),
    streamer('2002', 'raider'),
    streamer('3003', 'other'),
  ]);
  await graph.addChatters([
    ...['r1', 'r2', 'r3', 'r4', 'r5', 'r6'].map((login) => ({ streamerId: '2002', login })),
    ...['k1', 'k2'].map((login) => ({ streamerId: '3003', login })),
    ...Array.from({ length: 30 }, (_, i) => ({ streamerId: '1001', login: `regular${i}` })),
  ]);
  await graph.setAlertRule({
    channel: 'alpha',
    discordChannel: ALERTS_DISCORD_CHANNEL,
    sensitivity: 'normal',
    requestedBy: 'mod#1',
    since: T,
  });
}

describe('live alerts: raid', () => {
  it('posts the raid at once, then edits in the arrivals: known to the graph, and explained by the raider', async () => {
    rig = await startAlertsRig({ rooms: ROOMS, prepare: seed });
    await rig.joined(['alpha']);
    const { irc } = rig;
    irc.raid({ channel: 'alpha', raider: { id: '2002', login: 'raider' }, viewers: 120, sentAt: T });
    const arrivals = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'k1', 'k2', 'n1', 'n2'];
    arrivals.forEach((login, i) => {
      irc.chat({
        channel: 'alpha',
        user: { id: String(500 + i), login },
        firstMessage: true,
        sentAt: T + 1_000 * (i + 1),
      });
      irc.chat({
        channel: 'alpha',
        user: { id: String(900 + i), login: `regular${i}` },
        sentAt: T + 1_000 * (i + 1) + 500,
      });
    });
    const final = await rig.discord.waitFor(
      (r) => r.method === 'PATCH' && embedOf(r).description.includes('10 first-time chatters'),
      15_000,
    );
    const posts = rig.posts();
    const created = posts.filter((r) => r.method === 'POST');
    expect(created).toHaveLength(1);
    const [post] = created;
    expect(post?.path).toBe(`/channels/${ALERTS_DISCORD_CHANNEL}/messages`);
    expect(embedOf(post!).title).toBe('Raid on #alpha by raider with 120 viewers');
    expect(post?.body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
    const messageId = [...rig.discord.channelMessages.keys()][0];
    expect(final.path).toBe(`/channels/${ALERTS_DISCORD_CHANNEL}/messages/${messageId}`);
    const { title, description } = embedOf(final);
    expect(title).toBe('Raid on #alpha by raider with 120 viewers');
    expect(description).toContain('10 first-time chatters since the raid');
    expect(description).toContain('8 already known to the graph, 2 never seen before');
    expect(description).toContain("6 (60%) known from raider's chat");
    expect(description).toContain('`k1` — known, seen in other');
    expect(description).toContain('`n1` — new');
    for (const request of [post!, final]) {
      expect(request.files).toHaveLength(1);
      expect(request.files[0]?.name).toBe('alert.png');
      expect(request.files[0]?.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    }
    const graph = rig.graph;
    await expect.poll(async () => (await graph.recentAlerts(5))[0]?.accounts).toBe(10);
    const [record] = await graph.recentAlerts(5);
    expect(record).toMatchObject({ kind: 'raid', channel: 'alpha', discordMessageId: messageId });
    // The raid notice is not chat: the raider has no CHATTER edge to alpha.
    const history = await rig.graph.accountHistory(['raider']);
    expect(history[0]?.channels.map((c) => c.channel) ?? []).not.toContain('alpha');
  });
});

describe('live alerts: bot wave', () => {
  it('40 new accounts in 20 s inside normal chat: one alert, posted once and then edited, never repeated', async () => {
    rig = await startAlertsRig({ rooms: ROOMS, prepare: seed });
    await rig.joined(['alpha']);
    const { irc } = rig;
    // Sent in 2 s of wall time, stamped over 20 s of chat time: the windows follow the stamps.
    for (let i = 0; i < 40; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const at = T + i * 500;
      irc.chat({
        channel: 'alpha',
        user: { id: String(700 + (i % 30)), login: `regular${i % 30}` },
        sentAt: at,
      });
      irc.chat({
        channel: 'alpha',
        user: { id: String(10_000 + i), login: `bot${String(i).padStart(3, '0')}` },
        firstMessage: true,
        sentAt: at + 100,
      });
    }
    const final = await rig.discord.waitFor(
      (r) => r.method === 'PATCH' && embedOf(r).title.includes('40 first-time chatters'),
      15_000,
    );
    // Give a repeat time to show up if there were one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const posts = rig.posts();
    expect(posts.filter((r) => r.method === 'POST')).toHaveLength(1);
    const first = posts.find((r) => r.method === 'POST');
    expect(embedOf(first!).title).toMatch(
      /^Bot wave in #alpha: 1[5-9] first-time chatters, 1[5-9] new accounts$/,
    );
    expect(embedOf(final).title).toBe('Bot wave in #alpha: 40 first-time chatters, 40 new accounts');
    const { description } = embedOf(final);
    expect(description).toContain('no Helix credentials');
    expect(description).toContain('No action was taken on Twitch.');
    expect(description).toContain('`bot024` — new');
    expect(description).toContain('…and 15 more');
    expect(description).not.toContain('bot025');
    expect(final.files[0]?.bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(posts.every((r) => r.path.startsWith(`/channels/${ALERTS_DISCORD_CHANNEL}/messages`))).toBe(true);
    const alerts = await rig.graph.recentAlerts(10);
    expect(alerts.map((a) => [a.kind, a.accounts])).toEqual([['bot-wave', 40]]);
    // Nothing was sent to Twitch but the listener's own login and JOIN.
    const sent = irc.open.flatMap((c) => c.received);
    expect(sent.filter((line) => /^PRIVMSG|^\/ban|^\/timeout/.test(line))).toEqual([]);
  });
});
