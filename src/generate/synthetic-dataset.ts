/**
 * A seeded synthetic Twitch dataset in the seed's five-CSV format, shaped like the real one: a few huge
 * channels and a long tail (Zipf popularity), audiences that overlap mostly within a language community,
 * VIPs and moderators drawn from each channel's regulars, and a handful of chat bots that moderate a large
 * share of all channels. The same options always give the same files.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SEED_FILES } from '../domain/csv-rows.schema.js';
import { seededRandom } from '../util/seeded-random.js';

export interface GenerateOptions {
  /** Number of channels. */
  streamers: number;
  /** Target number of rows in chatters.csv (CHATTER relationships). */
  chatterEdges: number;
  seed: number;
  /** Well-known bot accounts that moderate (and sometimes chat in) many channels. */
  bots?: number;
  onProgress?: (written: number, total: number) => void;
}

export interface GenerateSummary {
  directory: string;
  streamers: number;
  users: number;
  rows: { streamers: number; teams: number; vips: number; moderators: number; chatters: number };
}

const GAMES = [
  ['Just Chatting', 18],
  ['League of Legends', 10],
  ['Grand Theft Auto V', 9],
  ['VALORANT', 7],
  ['Counter-Strike', 6],
  ['Fortnite', 5],
  ['Minecraft', 5],
  ['World of Warcraft', 3],
  ['Dota 2', 3],
  ['Apex Legends', 3],
  ['Final Fantasy XIV Online', 2],
  ['Slots', 2],
  ['Teamfight Tactics', 2],
  ['Pokémon Scarlet and Violet', 1],
  ["Baldur's Gate 3", 1],
  ['Elden Ring', 1],
] as const;

const LANGUAGES = [
  ['en', 55],
  ['es', 9],
  ['ko', 7],
  ['ja', 6],
  ['pt', 6],
  ['de', 5],
  ['fr', 5],
  ['ru', 4],
  ['zh', 3],
] as const;

const TEAMS = [
  'dreamsmp',
  'riotgames',
  'nrg',
  'og',
  'fnatic',
  'esl',
  'streamerhouse',
  'mythic',
  'luminosity',
  'the_grind',
];

/** Real chat bots that moderate many channels (see src/bots data for the maintained list). */
const BOT_LOGINS = [
  'nightbot',
  'streamelements',
  'moobot',
  'streamlabs',
  'fossabot',
  'wizebot',
  'sery_bot',
  'soundalerts',
  'botrixoficial',
  'kofistreambot',
];

const SYLLABLES = [
  'ka',
  'zu',
  'mi',
  'ro',
  'xi',
  'lo',
  'ne',
  'ta',
  'shi',
  'po',
  'ven',
  'dra',
  'gon',
  'lux',
  'ai',
  'kai',
  'tor',
  'bel',
  'fin',
  'rex',
  'mo',
  'ju',
  'qi',
  'sa',
];
const SUFFIXES = ['', '', '', '_tv', 'live', 'gg', '_', 'x', 'plays', 'ttv'];

const DESCRIPTIONS = [
  'Daily streams, good vibes',
  'Variety streamer, "chill" mostly, sometimes sweaty',
  'Pro player. Business: contact@example.com, no DMs',
  'Streaming since 2015\nSchedule: Mon, Wed, Fri',
  '트위치 공식 중계 채널입니다. 많은 관심 부탁드립니다',
  '毎日配信しています、よろしく',
  'Speedruns, challenges, and chat games',
  '',
];

function weightedPicker<T>(items: readonly (readonly [T, number])[], random: () => number): () => T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  return () => {
    let r = random() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r <= 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  };
}

/** Sample an index with probability proportional to `cumulative` increments (binary search). */
function sampleCumulative(cumulative: Float64Array, random: () => number): number {
  const total = cumulative[cumulative.length - 1] as number;
  const r = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

class CsvWriter {
  private readonly stream;
  rows = 0;
  constructor(path: string, header: readonly string[]) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.stream.write(`${header.join(',')}\n`);
  }
  async write(values: readonly (string | number)[]): Promise<void> {
    this.rows += 1;
    if (!this.stream.write(`${values.map(csvField).join(',')}\n`)) await once(this.stream, 'drain');
  }
  async close(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
  }
}

export async function generateDataset(directory: string, options: GenerateOptions): Promise<GenerateSummary> {
  const random = seededRandom(options.seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  await mkdir(directory, { recursive: true });

  // ---- channels
  const pickGame = weightedPicker(GAMES, random);
  const pickLanguage = weightedPicker(LANGUAGES, random);
  const taken = new Set<string>();
  const name = () => {
    for (;;) {
      const parts = int(2, 3);
      let login = '';
      for (let i = 0; i < parts; i += 1) login += SYLLABLES[int(0, SYLLABLES.length - 1)];
      login += SUFFIXES[int(0, SUFFIXES.length - 1)];
      if (random() < 0.35) login += String(int(1, 999));
      if (!taken.has(login) && login.length <= 25) {
        taken.add(login);
        return login;
      }
    }
  };
  for (const bot of BOT_LOGINS) taken.add(bot);
  const channels = Array.from({ length: options.streamers }, (_, rank) => {
    const login = name();
    const popularity = 1 / (rank + 1) ** 1.05;
    const followers = Math.round(5_000 + 4_000_000 * popularity * (0.5 + random()));
    return {
      id: String(10_000_000 + rank * 7919 + int(0, 7_000)),
      streamId: String(40_000_000_000 + int(0, 9_999_999_999)),
      login,
      displayName: random() < 0.5 ? login : login.replace(/^./, (c) => c.toUpperCase()),
      game: random() < 0.03 ? '' : pickGame(),
      language: pickLanguage(),
      followers,
      views: Math.round(followers * (20 + random() * 180)),
      createdAt: new Date(Date.UTC(2008, 0, 1) + random() * 14 * 365 * 86_400_000)
        .toISOString()
        .replace('T', ' ')
        .replace('Z', '000'),
      description: DESCRIPTIONS[int(0, DESCRIPTIONS.length - 1)] as string,
      popularity,
    };
  });
  const byLanguage = new Map<string, number[]>();
  channels.forEach((c, i) => byLanguage.set(c.language, [...(byLanguage.get(c.language) ?? []), i]));
  const cumulativeOf = (indexes: readonly number[]) => {
    const cumulative = new Float64Array(indexes.length);
    let sum = 0;
    indexes.forEach((channel, i) => {
      sum += (channels[channel] as (typeof channels)[number]).popularity;
      cumulative[i] = sum;
    });
    return cumulative;
  };
  const allIndexes = channels.map((_, i) => i);
  const allCumulative = cumulativeOf(allIndexes);
  const languageCumulative = new Map(
    [...byLanguage].map(([lang, indexes]) => [lang, { indexes, cumulative: cumulativeOf(indexes) }]),
  );

  const files = Object.fromEntries(
    (Object.keys(SEED_FILES) as (keyof typeof SEED_FILES)[]).map((kind) => [
      kind,
      new CsvWriter(join(directory, SEED_FILES[kind].file), SEED_FILES[kind].header),
    ]),
  ) as Record<keyof typeof SEED_FILES, CsvWriter>;

  for (const c of channels) {
    await files.streamers.write([
      c.streamId,
      c.id,
      c.login,
      c.displayName,
      c.game,
      c.language,
      `https://static-cdn.jtvnw.net/previews-ttv/live_user_${c.login}-{width}x{height}.jpg`,
      c.followers,
      c.description,
      c.views,
      c.createdAt,
    ]);
    if (random() < 0.35) {
      const teams = random() < 0.15 ? 2 : 1;
      const chosen = new Set<string>();
      for (let t = 0; t < teams; t += 1) chosen.add(TEAMS[int(0, TEAMS.length - 1)] as string);
      for (const team of chosen) await files.teams.write([c.id, team]);
    }
  }

  // ---- chatters: each user has a home language community and a heavy-tailed number of channels
  const regulars: string[][] = channels.map(() => []);
  const multiChannel: string[] = [];
  let users = 0;
  let edges = 0;
  const channelsOf = new Set<number>();
  while (edges < options.chatterEdges) {
    const login = name();
    users += 1;
    // Pareto-like: most users chat in one channel, a few in dozens.
    const want = Math.min(channels.length, Math.max(1, Math.floor(1 / (random() ** 0.9 + 1e-9) ** 0.55)));
    const home = languageCumulative.get(pickLanguage()) ?? { indexes: allIndexes, cumulative: allCumulative };
    channelsOf.clear();
    for (let attempt = 0; channelsOf.size < want && attempt < want * 4; attempt += 1) {
      const fromHome = random() < 0.8;
      const channel = fromHome
        ? (home.indexes[sampleCumulative(home.cumulative, random)] as number)
        : sampleCumulative(allCumulative, random);
      channelsOf.add(channel);
    }
    for (const channel of channelsOf) {
      if (edges >= options.chatterEdges) break;
      await files.chatters.write([(channels[channel] as (typeof channels)[number]).id, login]);
      edges += 1;
      const pool = regulars[channel] as string[];
      if (pool.length < 400 && random() < 0.02 + 0.2 / (1 + pool.length)) pool.push(login);
    }
    if (channelsOf.size >= 3 && multiChannel.length < 5_000) multiChannel.push(login);
    if (options.onProgress !== undefined && edges % 100_000 < want)
      options.onProgress(edges, options.chatterEdges);
  }

  // ---- bots: moderate a large share of channels, chat in some
  const bots = BOT_LOGINS.slice(0, Math.min(BOT_LOGINS.length, options.bots ?? 5));
  const botShare = bots.map((_, i) => 0.7 - i * 0.1);
  for (const [i, c] of channels.entries()) {
    const mods = new Set<string>();
    bots.forEach((bot, b) => {
      if (random() < Math.max(0.05, botShare[b] ?? 0.1)) mods.add(bot);
    });
    const pool = regulars[i] as string[];
    const humanMods = Math.min(pool.length, int(1, 3 + Math.round(8 * c.popularity)));
    for (let m = 0; m < humanMods; m += 1) mods.add(pool[int(0, pool.length - 1)] as string);
    for (const mod of mods) await files.moderators.write([c.id, mod]);
    const vips = new Set<string>();
    const vipCount = int(1, 6) + Math.round(20 * c.popularity);
    for (let v = 0; v < vipCount; v += 1) {
      const candidate =
        random() < 0.3 && multiChannel.length > 0
          ? multiChannel[int(0, multiChannel.length - 1)]
          : pool[int(0, Math.max(0, pool.length - 1))];
      if (candidate !== undefined && !mods.has(candidate)) vips.add(candidate);
    }
    for (const vip of vips) await files.vips.write([c.id, vip]);
    for (const bot of bots) {
      if (random() < 0.1 && edges < options.chatterEdges + channels.length) {
        await files.chatters.write([c.id, bot]);
        edges += 1;
      }
    }
  }
  for (const writer of Object.values(files)) await writer.close();
  return {
    directory,
    streamers: channels.length,
    users,
    rows: {
      streamers: files.streamers.rows,
      teams: files.teams.rows,
      vips: files.vips.rows,
      moderators: files.moderators.rows,
      chatters: files.chatters.rows,
    },
  };
}
