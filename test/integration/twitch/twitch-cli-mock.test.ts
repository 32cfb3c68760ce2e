/**
 * `collect` → `import` → `ask` against Twitch's own mock Helix server (`twitch mock-api`, from
 * `../shared/tools/twitch-cli/`, a build of github.com/twitchdev/twitch-cli listening on 127.0.0.1), with
 * only an app's client id and secret, and again with a broadcaster's user token from the mock's
 * `/auth/authorize` (scopes `channel:read:vips moderation:read`). What the mock cannot show (rate-limit
 * headers, 429, 5xx, token expiry) stays with test/support/helix-server.ts.
 *
 * The mock answers follower totals only to a token with `moderator:read:followers`, so both runs show the
 * collector leaving that column at 0 with a note instead of aborting.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../../src/ingest/csv/seed-importer.js';
import { spawnCli, untilExit } from '../../support/spawn-cli.js';
import { sharedTool } from '../../support/shared-tools.js';

const TWITCH = sharedTool('tools/twitch-cli/twitch');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Mock {
  base: string;
  clientId: string;
  secret: string;
  /** The user the generator gives streams, VIPs and moderators. */
  broadcasterId: string;
  process: ChildProcess;
  home: string;
}

async function startMock(): Promise<Mock> {
  const home = mkdtempSync(join(tmpdir(), 'twitchgraph-twitch-cli-'));
  const env = { ...process.env, HOME: home };
  const generated = spawnSync(TWITCH, ['mock-api', 'generate', '-c', '25'], { env, encoding: 'utf8' });
  const text = `${generated.stdout}${generated.stderr}`;
  const clientId = /Client-ID: (\w+)/.exec(text)?.[1];
  const secret = /Secret: (\w+)/.exec(text)?.[1];
  const broadcasterId = /User ID (\d+) has all applicable units/.exec(text)?.[1];
  if (clientId === undefined || secret === undefined || broadcasterId === undefined)
    throw new Error(`twitch mock-api generate gave no client or user:\n${text}`);
  const port = await freePort();
  const child = spawn(TWITCH, ['mock-api', 'start', '-p', String(port)], { env, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    const up = await fetch(`${base}/mock/streams`).then(
      () => true,
      () => false,
    );
    if (up) return { base, clientId, secret, broadcasterId, process: child, home };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill();
  throw new Error(`twitch mock-api start did not answer on ${base}`);
}

async function broadcasterToken(mock: Mock, scope = 'channel:read:vips moderation:read'): Promise<string> {
  const url = new URL(`${mock.base}/auth/authorize`);
  url.search = new URLSearchParams({
    client_id: mock.clientId,
    client_secret: mock.secret,
    grant_type: 'user_token',
    user_id: mock.broadcasterId,
    scope,
  }).toString();
  const response = await fetch(url, { method: 'POST' });
  const body = (await response.json()) as { access_token?: string };
  if (body.access_token === undefined) throw new Error(`no user token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/**
 * The generator makes the broadcaster's users moderators but none VIPs; Twitch refuses to make a moderator
 * a VIP. Through the mock's own endpoints, two moderators become VIPs, so vips.csv has rows to show.
 */
async function makeTwoVips(mock: Mock): Promise<void> {
  const token = await broadcasterToken(mock, 'channel:manage:vips channel:manage:moderators moderation:read');
  const headers = { 'Client-Id': mock.clientId, Authorization: `Bearer ${token}` };
  const on = (path: string, userId?: string) =>
    `${mock.base}/mock${path}?broadcaster_id=${mock.broadcasterId}${userId === undefined ? '' : `&user_id=${userId}`}`;
  const moderators = (await (await fetch(on('/moderation/moderators'), { headers })).json()) as {
    data: { user_id: string }[];
  };
  for (const { user_id: userId } of moderators.data.slice(0, 2)) {
    for (const [method, path] of [
      ['DELETE', '/moderation/moderators'],
      ['POST', '/channels/vips'],
    ] as const) {
      const response = await fetch(on(path, userId), { method, headers });
      if (response.status !== 204) throw new Error(`${method} ${path}: ${response.status}`);
    }
  }
}

function csvRows(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()) {
    // Descriptions may hold line breaks inside quotes: count records through the importer's rule of
    // balanced quotes rather than raw lines.
    let records = 0;
    let open = false;
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (line === '' && !open) continue;
      if (!open) records += 1;
      if ((line.match(/"/g)?.length ?? 0) % 2 === 1) open = !open;
    }
    counts[file] = records - 1;
  }
  return counts;
}

describe("collect → import → ask against Twitch's mock API", () => {
  let mock: Mock;
  const dirs: string[] = [];
  const temp = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    expect(
      existsSync(TWITCH),
      `${TWITCH} is missing: the CI checkout must have ../shared beside the clone (or set SHARED_DIR)`,
    ).toBe(true);
    mock = await startMock();
  });
  afterAll(() => {
    mock?.process.kill();
    for (const dir of [...dirs, ...(mock === undefined ? [] : [mock.home])])
      rmSync(dir, { recursive: true, force: true });
  });

  async function endToEnd(
    extra: Record<string, string>,
  ): Promise<{ collect: string; rows: Record<string, number>; ask: string }> {
    const out = temp('twitchgraph-mock-out-');
    const data = temp('twitchgraph-mock-data-');
    const env = {
      TWITCH_CLIENT_ID: mock.clientId,
      TWITCH_CLIENT_SECRET: mock.secret,
      TWITCH_HELIX_URL: `${mock.base}/mock`,
      TWITCH_AUTH_URL: `${mock.base}/auth`,
      TWITCHGRAPH_DATA_DIR: data,
      ...extra,
    };
    const collect = spawnCli(['collect', '--top', '100', '--out', out], env);
    expect((await untilExit(collect, 60_000)).code, collect.output()).toBe(0);
    const rows = csvRows(out);

    // The files import without a rejected row…
    const check = EmbeddedGraphStore.inMemory();
    expect((await importSeedDirectory(out, check)).rejected).toBe(0);
    // …and through the CLI into the data dir, where `ask` answers from them.
    const imported = spawnCli(['import', '--data', out], env);
    expect((await untilExit(imported, 60_000)).code, imported.output()).toBe(0);
    const ask = spawnCli(['ask', '/stats'], env);
    expect((await untilExit(ask, 60_000)).code, ask.output()).toBe(0);
    return { collect: collect.output(), rows, ask: ask.output() };
  }

  it('with only the app credentials: streams, users and teams; follower totals noted as refused', async () => {
    const run = await endToEnd({});
    console.log(`app token only:\n${run.collect}\nrows per CSV: ${JSON.stringify(run.rows)}\n${run.ask}`);
    expect(run.collect).not.toContain('expired or revoked');
    expect(run.collect).toMatch(/missing: follower totals .*moderator:read:followers/);
    expect(run.collect).toMatch(/\(\d+ requests\)/);
    expect(run.rows['streamers.csv']).toBeGreaterThan(0);
    expect(Object.keys(run.rows).sort()).toEqual(['streamers.csv', 'teams.csv']);
    expect(run.ask).toMatch(/\d/);
  });

  it("with the broadcaster's token: that channel's VIPs and moderators too", async () => {
    await makeTwoVips(mock);
    const token = await broadcasterToken(mock);
    const run = await endToEnd({ TWITCH_BROADCASTER_TOKEN: token });
    console.log(
      `with the broadcaster token:\n${run.collect}\nrows per CSV: ${JSON.stringify(run.rows)}\n${run.ask}`,
    );
    expect(Object.keys(run.rows).sort()).toEqual([
      'moderators.csv',
      'streamers.csv',
      'teams.csv',
      'vips.csv',
    ]);
    expect(run.rows['moderators.csv']).toBeGreaterThan(0);
    expect(run.rows['vips.csv']).toBe(2);
    expect(run.collect).toMatch(
      /missing: follower totals .*TWITCH_BROADCASTER_TOKEN lacks moderator:read:followers/,
    );
  });
});
