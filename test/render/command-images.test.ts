/**
 * The commands' replies carry their pictures as data, render draws them, and `ask` draws them only when
 * `--out` asks to write them where a person can look.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAsk } from '../../src/cli/ask.cli.js';
import type { CliContext } from '../../src/cli/cli-context.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { drawReply } from '../../src/render/draw-pictures.js';
import type { DrawnReply, PictureDrawer, Reply, ReplyImageKind } from '../../src/reply/reply.js';
import { loadConfig } from '../../src/config.js';
import type { StreamerRecord } from '../../src/domain/graph-records.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { silentLogger } from '../../src/logging.js';
import { decode } from './pixels.js';

const dir = mkdtempSync(join(tmpdir(), 'twitchgraph-render-'));
const dataDir = join(dir, 'store');
let graph: EmbeddedGraphStore;

const streamer = (
  id: string,
  login: string,
  displayName: string,
  game: string,
  language: string,
  followers: number,
): StreamerRecord => ({
  id,
  login,
  displayName,
  game,
  language,
  url: `https://www.twitch.tv/${login}`,
  followers,
  totalViewCount: followers * 10,
  createdAt: null,
  description: '',
});

beforeAll(async () => {
  graph = await EmbeddedGraphStore.open({ dataDir, command: 'render test', snapshotMinIntervalMs: 0 });
  await graph.upsertStreamers([
    streamer('1', 'lck_korea', 'LCK_Korea', 'League of Legends', 'ko', 972_515),
    streamer('2', 'lol_woolf', '울프', 'League of Legends', 'ko', 352_620),
    streamer('3', 'raderaderader', 'らっだぁ', 'Minecraft', 'ja', 216_276),
    streamer('4', 'fresh', 'Fresh', 'Final Fantasy XIV Online: The Complete Edition', 'en', 4_423_916),
  ]);
  await graph.addTeamMemberships([{ streamerId: '2', team: 't1' }]);
  await graph.addRoles([
    { streamerId: '1', login: 'moobot', role: 'MODERATOR' },
    { streamerId: '1', login: 'lol_woolf', role: 'VIP' },
  ]);
  await graph.addChatters([
    ...Array.from({ length: 400 }, (_, i) => ({ streamerId: '1', login: `chatter_${i}` })),
    { streamerId: '2', login: 'lck_korea' },
    { streamerId: '3', login: 'fresh' },
  ]);
  await graph.flush();
});

afterAll(async () => {
  await graph.close();
  rmSync(dir, { recursive: true, force: true });
});

async function ask(line: string): Promise<Reply> {
  const [command = '', ...rest] = line.replace(/^\//, '').split(' ');
  const registry = buildRegistry();
  const definition = registry.get(command)?.definition;
  const subcommand = definition?.subcommands === undefined ? undefined : rest.shift();
  const options: Record<string, string> = {};
  const names = (
    definition?.subcommands?.find((s) => s.name === subcommand)?.options ??
    definition?.options ??
    []
  ).map((o) => o.name);
  rest.forEach((value, i) => {
    const name = names[i];
    if (name !== undefined) options[name] = value;
  });
  const result = await dispatch(
    { command, ...(subcommand === undefined ? {} : { subcommand }), options },
    registry,
    { graph },
  );
  expect(result.outcome, JSON.stringify(result.reply)).toBe('ok');
  return result.reply;
}

/** `pictures`: each picture's file name and what it shows, in order, once drawn. */
async function expectPictures(reply: Reply, pictures: [string, ReplyImageKind][]): Promise<DrawnReply> {
  expect(reply.pictures.map((p) => p.name)).toEqual(pictures.map(([name]) => name));
  const drawn = await drawReply(reply);
  expect(drawn.notes.join(' ')).not.toContain('could not be drawn');
  expect(drawn.images.map((i) => [i.name, i.kind])).toEqual(pictures);
  for (const image of drawn.images) {
    const decoded = await decode(image.png);
    expect([decoded.width, decoded.height]).toEqual([image.width, image.height]);
    expect(image.description.length).toBeGreaterThan(20);
  }
  return drawn;
}

describe('command pictures', () => {
  it('/streamer draws the ego network with moderators, VIPs and chatters, the rest counted', async () => {
    const reply = await ask('/streamer lck_korea');
    const drawn = await expectPictures(reply, [['streamer-lck_korea.png', 'graph']]);
    expect(drawn.images[0]?.description).toContain('1 VIP, 1 moderator, 60 of 400 chatters');
    // The text still lists 25 chatters, as before pictures.
    expect((reply.data as { chatters: unknown[] }).chatters).toHaveLength(25);
  });

  it('/top draws a bar chart', async () => {
    const reply = await ask('/top games');
    await expectPictures(reply, [['top-games.png', 'chart']]);
    expect(reply.table?.rows).toHaveLength(3);
  });

  it('/pagerank and /betweenness draw the top nodes and the links among them', async () => {
    await expectPictures(await ask('/pagerank 5'), [['pagerank-top5.png', 'graph']]);
    await expectPictures(await ask('/betweenness 5'), [['betweenness-top5.png', 'graph']]);
  });

  it('/streamers draws the matching streamers, and a table image when the table is too wide', async () => {
    await expectPictures(await ask('/streamers ko'), [['streamers-ko-any.png', 'graph']]);
    await expectPictures(await ask('/streamers'), [
      ['streamers-any-any.png', 'graph'],
      ['streamers-any-any-table.png', 'table'],
    ]);
  });

  /** `ask` with the real renderer, counting the replies it draws. */
  function asking() {
    const printed: string[] = [];
    const context: CliContext = {
      config: loadConfig({ env: { TWITCHGRAPH_DATA_DIR: dataDir }, dotenv: false }),
      logger: silentLogger,
      io: { out: (text) => printed.push(text), err: (text) => printed.push(text), errIsTTY: false },
    };
    const drawn: DrawnReply[] = [];
    const draw: PictureDrawer = async (reply) => {
      const result = await drawReply(reply);
      drawn.push(result);
      return result;
    };
    return { context, printed, drawn, draw };
  }

  it('ask draws no picture unless --out asks for it (issue 19)', async () => {
    for (const line of [
      ['/top', 'games'],
      ['/streamer', 'lck_korea'],
      ['/pagerank', '5'],
    ]) {
      const { context, printed, drawn, draw } = asking();
      expect(await runAsk(context, line, { json: true }, draw)).toBe(0);
      expect(drawn, line.join(' ')).toEqual([]);
      const json = JSON.parse(printed.join('')) as { pictures: unknown[]; images?: unknown };
      expect(json.pictures, line.join(' ')).toEqual([]);
      expect(json.images).toBeUndefined();
    }
  });

  it('ask --out writes the images and prints their paths', async () => {
    const out = join(dir, 'pictures', 'nested');
    const { context, printed, drawn, draw } = asking();
    const code = await runAsk(context, ['/top', 'games'], { out }, draw);
    expect(code).toBe(0);
    expect(drawn.map((r) => r.images.map((i) => i.name))).toEqual([['top-games.png']]);
    expect(readdirSync(out)).toEqual(['top-games.png']);
    expect(printed.join('')).toContain(`wrote ${join(out, 'top-games.png')}`);
    const decoded = await decode(readFileSync(join(out, 'top-games.png')));
    expect(decoded.width).toBe(800);
  });
});
