/**
 * `twitchgraph collect` against a local server with Helix's shapes: pagination, rate-limit waits, retries of
 * 429 and 5xx, a token renewal, response validation — shown by the server's request log — and CSV files
 * that the seed importer reads without a rejected row.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/cli-context.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { runCli } from '../support/cli-harness.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { FixtureBroadcaster, HelixRequestRecord, HelixServerOptions } from '../support/helix-server.js';
import { fixtureChannels, HelixTestServer } from '../support/helix-server.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-collect-');
const servers: HelixTestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const CLIENT = { clientId: 'testclientid', clientSecret: 'testsecret' };

async function helix(
  options: Omit<HelixServerOptions, 'clientId' | 'clientSecret'>,
): Promise<HelixTestServer> {
  const server = await HelixTestServer.start({ ...CLIENT, ...options });
  servers.push(server);
  return server;
}

function env(server: HelixTestServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWITCH_CLIENT_ID: CLIENT.clientId,
    TWITCH_CLIENT_SECRET: CLIENT.clientSecret,
    TWITCH_HELIX_URL: server.helixUrl,
    TWITCH_AUTH_URL: server.authUrl,
    ...extra,
  };
}

/**
 * How the client met empty buckets: for every answer with `Ratelimit-Remaining: 0`, the requests on that token
 * that still arrived before the reset (at most the ones already in flight), and whether it then waited.
 */
function rateLimitConduct(log: readonly HelixRequestRecord[]): { waits: number; mostEarly: number } {
  let waits = 0;
  let mostEarly = 0;
  for (const empty of log) {
    if (empty.remaining !== 0 || empty.reset === null || empty.token === null) continue;
    const resetMs = empty.reset * 1000;
    const later = log.filter((r) => r.token === empty.token && r.at > empty.at);
    const early = later.filter((r) => r.at < resetMs).length;
    mostEarly = Math.max(mostEarly, early);
    if (later.some((r) => r.at >= resetMs)) waits += 1;
  }
  return { waits, mostEarly };
}

describe('twitchgraph collect', () => {
  it('pages, waits out rate limits, retries 429 and 500, renews an expired token; the CSVs import cleanly', async () => {
    const channels = fixtureChannels(130);
    const server = await helix({
      channels,
      rateLimit: { limit: 70, windowMs: 1_000 },
      faults: [
        { path: '/streams', nth: 2, status: 500 },
        { path: '/channels/followers', nth: 12, status: 429 },
        { path: '/teams/channel', nth: 30, status: 503 },
      ],
      expireTokenAfter: 150,
      shiftPages: true,
    });
    const out = tempDir();
    const run = await runCli(['collect', '--top', '120', '--out', out], env(server));
    expect(run.err).not.toContain('twitchgraph collect:');
    expect(run.code).toBe(EXIT.ok);

    // Pagination: page 2 asked with page 1's cursor; the failed (500) call was repeated as it was.
    const streams = server.requestsTo('/streams');
    expect(streams.map((r) => r.status)).toEqual([200, 500, 200]);
    expect(streams[1]?.query).toContain('after=');
    expect(streams[2]?.query).toBe(streams[1]?.query);
    // Users in batches of at most 100 ids.
    const users = server.requestsTo('/users').filter((r) => r.status === 200);
    expect(users.map((r) => new URLSearchParams(r.query).getAll('id').length)).toEqual([100, 20]);

    // Rate limits: once a bucket is empty (including the 429s), the client sends nothing more on it until the
    // reset; only requests already in flight (concurrency 4) can still arrive.
    const { waits, mostEarly } = rateLimitConduct(server.log);
    expect(mostEarly).toBeLessThanOrEqual(3);
    expect(waits).toBeGreaterThanOrEqual(2);
    const throttled = server.log.filter((r) => r.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    for (const r of throttled) {
      const again = server.log.find(
        (x) => x.path === r.path && x.query === r.query && x.status === 200 && x.at > r.at,
      );
      expect(again?.at).toBeGreaterThanOrEqual((r.reset ?? 0) * 1000);
    }
    // The 503 was retried.
    const failed = server.log.find((r) => r.status === 503);
    expect(
      server.log.some((r) => r.path === failed?.path && r.query === failed.query && r.status === 200),
    ).toBe(true);

    // The app token expired after 150 calls: the calls in flight got 401, one new token was fetched for all
    // of them (not one each), and each refused call was made again with it.
    expect(server.issuedTokens).toEqual(['apptoken1', 'apptoken2']);
    const refused = server.log.filter((r) => r.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused.length).toBeLessThanOrEqual(4);
    for (const r of refused) {
      expect(r.token).toBe('apptoken1');
      const again = server.log.find(
        (x) => x.path === r.path && x.query === r.query && x.token === 'apptoken2',
      );
      expect(again?.status).toBe(200);
    }
    expect(run.err).toContain('rate limit reached');
    expect(run.err).toContain('Twitch answered 500, retrying');
    expect(run.err).toContain('app access token expired or revoked');

    // What was written: the seed's headers, quoting where needed, and an import with nothing rejected.
    const streamersCsv = readFileSync(join(out, 'streamers.csv'), 'utf8');
    expect(streamersCsv.split('\n')[0]).toBe(
      'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at',
    );
    expect(streamersCsv).toContain('"Commas, ""quotes"", and more"');
    expect(streamersCsv).toContain(',2018-01-15 01:40:09\n');
    expect(streamersCsv).toContain(',2020-08-19 04:08:41.492237\n');
    expect(readFileSync(join(out, 'teams.csv'), 'utf8').split('\n')[0]).toBe('user_id,team_name');
    expect(existsSync(join(out, 'vips.csv'))).toBe(false);
    expect(run.out).toContain('Collected 120 streamers');
    expect(run.out).toContain(`twitchgraph import --data ${out}`);

    const store = EmbeddedGraphStore.inMemory();
    const summary = await importSeedDirectory(out, store);
    expect(summary.rejected).toBe(0);
    const top = channels.slice(0, 120);
    expect(summary.files.find((f) => f.file.endsWith('streamers.csv'))?.written).toBe(120);
    const memberships = top.reduce((n, c) => n + c.teams.length, 0);
    expect(summary.files.find((f) => f.file.endsWith('teams.csv'))?.written).toBe(memberships);
    for (const c of [top[1], top[2], top[3], top[7]]) {
      const found = await store.findStreamer(c?.login ?? '');
      expect(found).toMatchObject({
        id: c?.userId,
        displayName: c?.displayName,
        followers: c?.followers,
        description: c?.description.trim(),
        language: c?.language,
        game: c?.gameName,
      });
    }
    expect((await store.topTeams(5)).map((t) => t.name)).toEqual(['teamalpha', 'teambeta']);
  });

  it("with the broadcaster's token, adds that channel with its VIPs and moderators", async () => {
    const broadcaster: FixtureBroadcaster = {
      token: 'usertoken42',
      userId: '4242',
      login: 'offline_owner',
      displayName: 'Offline_Owner',
      scopes: ['channel:read:vips', 'moderation:read', 'chat:read'],
      vips: Array.from({ length: 130 }, (_, i) => `vip_${i}`),
      moderators: ['nightbot', 'trusted_mod'],
      gameName: 'Chess',
      language: 'de',
      description: 'Not live right now',
      followers: 4_321,
    };
    const server = await helix({ channels: fixtureChannels(20), broadcaster });
    const out = tempDir();
    const run = await runCli(
      ['collect', '--top', '10', '--out', out],
      env(server, { TWITCH_BROADCASTER_TOKEN: 'oauth:usertoken42' }),
    );
    expect(run.code).toBe(EXIT.ok);
    expect(run.out).toContain('Collected 11 streamers, 2 team memberships, 130 VIPs, 2 moderators');
    // VIPs come in two pages of the broadcaster's own token; follower totals ask with it too.
    expect(server.requestsTo('/channels/vips').map((r) => [r.token, r.status])).toEqual([
      ['usertoken42', 200],
      ['usertoken42', 200],
    ]);
    expect(new Set(server.requestsTo('/channels/followers').map((r) => r.token))).toEqual(
      new Set(['usertoken42']),
    );

    const store = EmbeddedGraphStore.inMemory();
    expect((await importSeedDirectory(out, store)).rejected).toBe(0);
    const hood = await store.neighbourhood('4242', { chatterLimit: 10 });
    expect(hood?.streamer).toMatchObject({
      login: 'offline_owner',
      game: 'Chess',
      language: 'de',
      followers: 4_321,
    });
    expect(hood?.vips).toHaveLength(130);
    expect(hood?.moderators).toEqual(['nightbot', 'trusted_mod']);
  });

  it('without the scope for a list, says so and writes no file for it', async () => {
    const server = await helix({
      channels: fixtureChannels(5),
      broadcaster: {
        token: 'usertoken7',
        userId: '77',
        login: 'owner',
        displayName: 'Owner',
        scopes: ['moderation:read'],
        vips: ['a'],
        moderators: ['b'],
        gameName: '',
        language: 'en',
        description: '',
        followers: 1,
      },
    });
    const out = tempDir();
    const run = await runCli(
      ['collect', '--top', '5', '--out', out],
      env(server, { TWITCH_BROADCASTER_TOKEN: 'usertoken7' }),
    );
    expect(run.code).toBe(EXIT.ok);
    expect(run.err).toContain('lacks channel:read:vips: no vips.csv');
    expect(existsSync(join(out, 'vips.csv'))).toBe(false);
    expect(readFileSync(join(out, 'moderators.csv'), 'utf8')).toBe('user_id,moderator_login\n77,b\n');
  });

  it('replaces a whole earlier seed in --out, keeping other files; a failed run changes nothing', async () => {
    const out = tempDir();
    const demo = demoDatasetDir();
    for (const file of readdirSync(demo)) copyFileSync(join(demo, file), join(out, file));
    writeFileSync(join(out, 'notes.txt'), 'mine\n');
    const before = readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')]);

    const broken = await helix({ channels: fixtureChannels(5), malformed: '/users' });
    expect((await runCli(['collect', '--top', '5', '--out', out], env(broken))).code).toBe(EXIT.failed);
    expect(readdirSync(out).map((f) => [f, readFileSync(join(out, f), 'utf8')])).toEqual(before);

    const server = await helix({ channels: fixtureChannels(5) });
    const run = await runCli(['collect', '--top', '5', '--out', out], env(server));
    expect(run.code).toBe(EXIT.ok);
    // No vips.csv, moderators.csv or chatters.csv of the demo's channels is left to be imported with the
    // new streamers, and no staging folder is left behind.
    expect(readdirSync(out).sort()).toEqual([
      'LICENSE',
      'SOURCE.md',
      'notes.txt',
      'streamers.csv',
      'teams.csv',
    ]);
    expect(readFileSync(join(out, 'notes.txt'), 'utf8')).toBe('mine\n');
    expect(readFileSync(join(out, 'LICENSE'), 'utf8')).toBe(readFileSync(join(demo, 'LICENSE'), 'utf8'));

    const store = EmbeddedGraphStore.inMemory();
    expect((await importSeedDirectory(out, store)).rejected).toBe(0);
    const counts = await store.counts();
    expect(counts.byLabel.Stream).toBe(5);
    expect([counts.byType.VIP, counts.byType.MODERATOR, counts.byType.CHATTER]).toEqual([0, 0, 0]);
    expect(await store.findStreamer('lck_korea')).toBeNull();
  });

  it('stops with a clear error naming the endpoint when a response has an unexpected shape', async () => {
    const server = await helix({ channels: fixtureChannels(5), malformed: '/users' });
    const run = await runCli(['collect', '--top', '5', '--out', tempDir()], env(server));
    expect(run.code).toBe(EXIT.failed);
    expect(run.err).toMatch(
      /twitchgraph collect: GET \/users: unexpected response from Twitch \(data\.0\.id: /,
    );
  });

  it('says which settings are missing or refused', async () => {
    const missing = await runCli(['collect', '--top', '5']);
    expect(missing.code).toBe(EXIT.usage);
    expect(missing.err).toContain('set TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET');

    const server = await helix({ channels: fixtureChannels(5) });
    const refused = await runCli(
      ['collect', '--top', '5', '--out', tempDir()],
      env(server, { TWITCH_CLIENT_SECRET: 'wrong' }),
    );
    expect(refused.code).toBe(EXIT.failed);
    expect(refused.err).toContain('Twitch refused the app credentials (403: invalid client secret)');
    expect(server.log.filter((r) => r.path.startsWith('/streams'))).toEqual([]);
  });
});

// Issue 20: what Twitch's own mock server showed — a scope refusal is not an expired token, and data a
// token cannot read costs only that data.
describe('twitchgraph collect: degrading instead of aborting', () => {
  const guid = (i: number) => `aad1a11f-6e86-3bb8-2e76-${String(i).padStart(12, '0')}`;

  it('with only an app token refused follower totals, writes every file and names the scope', async () => {
    const channels = fixtureChannels(12).map((c, i) => ({ ...c, streamId: guid(i) }));
    const server = await helix({ channels, followersNeedUserToken: true });
    const out = tempDir();
    const run = await runCli(['collect', '--top', '12', '--out', out], env(server));
    expect(run.err).not.toContain('expired or revoked');
    expect(run.code).toBe(EXIT.ok);
    expect(run.err).toMatch(/missing: follower totals .*moderator:read:followers.*TWITCH_BROADCASTER_TOKEN/);
    // One token for the whole run; the refusal is not asked again for every channel.
    expect(server.issuedTokens).toHaveLength(1);
    expect(server.requestsTo('/channels/followers').length).toBeLessThanOrEqual(4);
    expect(readFileSync(join(out, 'streamers.csv'), 'utf8')).toContain(`\n${guid(0)},500000,streamer_0,`);
    expect(existsSync(join(out, 'teams.csv'))).toBe(true);
    const store = EmbeddedGraphStore.inMemory();
    expect((await importSeedDirectory(out, store)).rejected).toBe(0);
    expect((await store.counts()).byLabel.Stream).toBe(12);
  });

  it('when a later step fails, writes the files collected so far, says what is missing, exits 1', async () => {
    const server = await helix({ channels: fixtureChannels(5), malformed: '/teams/channel' });
    const out = tempDir();
    const run = await runCli(['collect', '--top', '5', '--out', out], env(server));
    expect(run.code).toBe(EXIT.failed);
    expect(run.err).toMatch(/missing: team memberships \(GET \/teams\/channel: unexpected response/);
    expect(existsSync(join(out, 'teams.csv'))).toBe(false);
    const store = EmbeddedGraphStore.inMemory();
    expect((await importSeedDirectory(out, store)).rejected).toBe(0);
    expect((await store.counts()).byLabel.Stream).toBe(5);
    expect(readdirSync(out).filter((f) => f.startsWith('.'))).toEqual([]);
  });
});
