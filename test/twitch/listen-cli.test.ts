/**
 * `twitchgraph listen` without Kafka: the listener, the in-process bus and the ingest worker in one process
 * turn a scripted chat session on the test server into CHATTER (with message counts), VIP and MODERATOR edges
 * in the embedded store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/cli-context.js';
import { EXIT } from '../../src/cli/cli-context.js';
import { runListen } from '../../src/cli/listen.cli.js';
import { loadConfig } from '../../src/config.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { LiveListener } from '../../src/ingest/twitch/live-listener.js';
import { testLogger } from '../integration/support/kafka.js';
import { chatterEdges } from '../support/chat-events.js';
import { playSession, SESSION_EXPECTED, SESSION_ROOMS } from '../support/chat-session.js';
import { useTempDirs } from '../support/temp-dir.js';
import { TwitchIrcTestServer } from '../support/twitch-irc-server.js';

const tempDir = useTempDirs('twitchgraph-listen-');
const servers: TwitchIrcTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('twitchgraph listen (in-process bus and worker)', () => {
  it('turns a chat session into CHATTER counts and VIP/MODERATOR edges in the embedded store', async () => {
    const server = await TwitchIrcTestServer.start({ roomIds: SESSION_ROOMS });
    servers.push(server);
    const dataDir = tempDir();
    let out = '';
    let err = '';
    const context: CliContext = {
      config: loadConfig({
        env: {
          TWITCHGRAPH_DATA_DIR: dataDir,
          TWITCH_IRC_URL: server.url,
          TWITCH_CHANNELS: 'alpha,beta',
          INGEST_BATCH_MAX_WAIT_MS: '50',
        },
        dotenv: false,
      }),
      logger: testLogger(),
      io: { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false },
    };
    const stop = new AbortController();
    let live: LiveListener | undefined;
    const running = runListen(
      context,
      { channel: ['gamma'] },
      { signal: stop.signal, onStarted: (l) => (live = l) },
    );
    await server.waitFor('JOINs', () =>
      ['alpha', 'beta', 'gamma'].every((c) => server.audience(c).length === 1),
    );
    expect(live?.listener.channels().map((c) => c.login)).toEqual(['alpha', 'beta', 'gamma']);

    playSession(server);
    await server.waitFor('every line read', () => (live?.listener.stats.messages ?? 0) === 13);
    stop.abort();
    expect(await running).toBe(EXIT.ok);
    expect(err).toContain('events go through the in-process bus into the embedded store');
    expect(out).toContain('13 chat messages (1 duplicates dropped, 0 unreadable lines)');
    expect(out).toContain('13 events published');
    expect(out).toContain('Ingest: 13 events applied');

    const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
    try {
      expect(await chatterEdges(store, ['1001', '1002', '1003'])).toEqual(SESSION_EXPECTED.chatters);
      for (const [id, vips] of Object.entries(SESSION_EXPECTED.vips)) {
        const hood = await store.neighbourhood(id, { chatterLimit: 100 });
        expect(hood?.streamer.login).toBe(Object.entries(SESSION_ROOMS).find(([, room]) => room === id)?.[0]);
        expect(hood?.vips).toEqual(vips);
        expect(hood?.moderators).toEqual(
          SESSION_EXPECTED.moderators[id as keyof typeof SESSION_EXPECTED.moderators],
        );
      }
    } finally {
      await store.close();
    }
  });
});
