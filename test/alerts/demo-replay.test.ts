/**
 * False positives: the demo chat (data/twitch-demo, 28,950 chatter rows in 57 channels) replayed at high
 * speed through the local Twitch IRC server and the listener, into a graph that holds the demo dataset,
 * with an alert rule on every channel. Every line is stamped a first message (`first-msg=1`) at the time it
 * is sent, so every channel sees hundreds of "first-time chatters" within seconds: far past any count
 * threshold. None of them is new to the graph, so the right number of alerts is zero.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import type { AlertsRig } from '../support/alerts-rig.js';
import { ALERTS_DISCORD_CHANNEL, startAlertsRig } from '../support/alerts-rig.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

let rig: AlertsRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function csvRows(file: string): Promise<string[][]> {
  const text = await readFile(join(demoDatasetDir(), file), 'utf8');
  // The two columns used here (ids, logins) hold no commas or quotes.
  return text
    .split('\n')
    .slice(1)
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(','));
}

describe('live alerts: the demo chat replayed', () => {
  it('raises no alert (false positives: 0) while the detector sees every line', async () => {
    const streamers = (await csvRows('streamers.csv')).map((r) => ({ id: r[1] ?? '', login: r[2] ?? '' }));
    const loginById = new Map(streamers.map((s) => [s.id, s.login]));
    const chat = (await csvRows('chatters.csv')).flatMap(([channelId, login]) => {
      const channel = loginById.get(channelId ?? '');
      return channel === undefined || login === undefined || !/^[a-z0-9_]{1,25}$/.test(login)
        ? []
        : [{ channel, login }];
    });
    expect(chat.length).toBeGreaterThan(28_000);
    rig = await startAlertsRig({
      rooms: Object.fromEntries(streamers.map((s) => [s.login, s.id])),
      async prepare(graph) {
        await importSeedDirectory(demoDatasetDir(), graph);
        for (const s of streamers) {
          await graph.setAlertRule({
            channel: s.login,
            discordChannel: ALERTS_DISCORD_CHANNEL,
            sensitivity: 'high',
            requestedBy: 'test',
            since: 0,
          });
        }
      },
    });
    await rig.joined(streamers.map((s) => s.login));
    const { irc, worker, detector } = rig;
    chat.forEach(({ channel, login }, i) => {
      irc.chat({ channel, user: { id: String(100_000 + i), login }, firstMessage: true, sentAt: Date.now() });
    });
    const delivered = rig.listener.listener;
    await irc.waitFor('every line through the worker', () => worker.stats.applied >= chat.length, 120_000);
    await detector.settled();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(delivered.stats.messages).toBe(chat.length);
    expect(detector.stats.firstTimers).toBe(chat.length);
    expect(detector.stats.alertsOpened).toBe(0);
    expect(await rig.graph.recentAlerts(10)).toEqual([]);
    expect(rig.posts()).toEqual([]);
  }, 180_000);
});
