/**
 * Live listener figures: how many chat messages per second one core turns into chat events.
 *
 * - the IRC tag mapper alone, on PRIVMSG lines already split by tmi.js's parser;
 * - tmi.js's parser + the mapper, from raw lines;
 * - the listener's whole per-message work: parser + mapper + duplicate check + event encoding (the zod check
 *   on produce and the JSON bytes the bus takes);
 * - end to end through the local test server: lines sent over a WebSocket to a running listener (tmi.js
 *   client, handleMessage hook, mapper, duplicate check), counted at its sink. The server runs in the same
 *   process, so its sending is in the figure too.
 *
 * Lines are realistic: Twitch's full tag set, badges in the proportions of a busy channel, Korean display
 * names, replies with escaped parent message bodies, emote ranges.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Registry } from 'prom-client';
import { chatEventKey, encodeChatEvent } from '../src/domain/chat-event.js';
import { ChatListener } from '../src/ingest/twitch/chat-listener.js';
import { chatEventFromPrivmsg } from '../src/ingest/twitch/irc-tags.mapper.js';
import { RecentIds } from '../src/ingest/twitch/recent-ids.js';
import type { RawPrivmsg } from '../src/ingest/twitch/irc-tags.mapper.js';
import { anonymousIdentity, ircEndpoint, parseIrcLine } from '../src/ingest/twitch/tmi-connection.js';
import { silentLogger } from '../src/logging.js';
import { listenerMetrics } from '../src/observability/metrics.js';
import { seededRandom } from '../src/util/seeded-random.js';
import { TwitchIrcTestServer, privmsgLine } from '../test/support/twitch-irc-server.js';
import type { BenchRow } from './bench-kit.js';
import { measureWithCpu } from './bench-kit.js';

const LINES = 100_000;
const E2E_LINES = 20_000;
const CHANNELS = 200;
const WORDS = [
  'gg',
  'KEKW',
  'lol',
  'what',
  'a',
  'play',
  'PogChamp',
  '와',
  '대박',
  'nice',
  'clip',
  'it',
  'LUL',
  'no',
  'way',
];

/** `n` PRIVMSG lines as Twitch sends them, over CHANNELS channels; fresh message ids every call. */
function realisticLines(n: number, seed: number): string[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length: n }, () => {
    const c = Math.floor(CHANNELS * random() ** 2);
    const u = Math.floor(20_000 * random() ** 1.5);
    const roll = random();
    const months = 1 + Math.floor(random() * 60);
    const badges =
      roll < 0.01
        ? ['broadcaster/1', 'subscriber/3012']
        : roll < 0.06
          ? ['moderator/1', `subscriber/${months}`]
          : roll < 0.09
            ? ['vip/1']
            : roll < 0.39
              ? [`subscriber/${months}`, 'sub-gifter/5']
              : random() < 0.2
                ? ['premium/1']
                : [];
    const words = Array.from({ length: 3 + Math.floor(random() * 15) }, () => pick(WORDS)).join(' ');
    const extraTags: Record<string, string> = {};
    if (random() < 0.3) extraTags.emotes = '25:0-4,12-16/1902:6-10';
    if (random() < 0.05) {
      extraTags['reply-parent-msg-id'] = randomUUID();
      extraTags['reply-parent-user-login'] = `viewer${u + 1}`;
      extraTags['reply-parent-display-name'] = `Viewer${u + 1}`;
      extraTags['reply-parent-msg-body'] = `@someone ${words}; really?`;
    }
    return privmsgLine({
      channel: `channel${c}`,
      roomId: String(100_000 + c),
      user: {
        id: String(1_000_000 + u),
        login: `viewer${u}`,
        displayName: u % 10 === 0 ? `시청자${u}` : `Viewer${u}`,
      },
      badges,
      badgeInfo: badges.some((b) => b.startsWith('subscriber/')) ? [`subscriber/${months}`] : [],
      vip: roll >= 0.06 && roll < 0.09,
      text: words,
      extraTags,
    });
  });
}

const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

function note(n: number, ms: number, cpuMs: number, extra = ''): string {
  const [one] = loadavg();
  return (
    `${perSecond(n, ms)} msgs/s wall, ${perSecond(n, cpuMs)} msgs per CPU-second` +
    `${extra}; load ${one?.toFixed(1)} on ${cpus().length} cores`
  );
}

function parsed(lines: readonly string[]): RawPrivmsg[] {
  return lines.map((line) => {
    const message = parseIrcLine(line)?.privmsg;
    if (message == null) throw new Error('not a PRIVMSG');
    return message;
  });
}

async function endToEnd(): Promise<BenchRow> {
  const server = await TwitchIrcTestServer.start();
  let received = 0;
  let target = 0;
  let done: (() => void) | undefined;
  const listener = new ChatListener(
    {
      endpoint: ircEndpoint(server.url),
      identity: anonymousIdentity(),
      channels: Array.from({ length: CHANNELS }, (_, c) => `channel${c}`),
      join: { limit: 1_000, windowMs: 1_000 },
    },
    {
      sink: {
        push: () => {
          received += 1;
          if (received >= target) done?.();
        },
      },
      logger: silentLogger,
      metrics: listenerMetrics(new Registry()),
    },
  );
  await listener.start();
  try {
    await server.waitFor('joins', () => server.audience(`channel${CHANNELS - 1}`).length === 1, 30_000);
    const runs = 5;
    const warmup = 1;
    const batches = Array.from({ length: runs + warmup }, (_, i) => realisticLines(E2E_LINES, 100 + i));
    let run = 0;
    const connection = server.open[0];
    if (connection === undefined) throw new Error('no connection');
    const { row, cpuMs } = await measureWithCpu(
      `end to end: test server → WebSocket → tmi.js → listener, ${E2E_LINES.toLocaleString('en-US')} lines`,
      async () => {
        const lines = batches[run] as string[];
        run += 1;
        target = received + lines.length;
        const arrived = new Promise<void>((resolve) => (done = resolve));
        // Twitch packs several lines into one frame; 50 per frame here.
        for (let i = 0; i < lines.length; i += 50) connection.send(lines.slice(i, i + 50));
        await arrived;
      },
      { runs, warmup },
    );
    row.note = note(E2E_LINES, row.median_ms, cpuMs, ', server in the same process');
    return row;
  } finally {
    await listener.stop();
    await server.close();
  }
}

export async function benchTwitch(): Promise<BenchRow[]> {
  const lines = realisticLines(LINES, 7);
  const messages = parsed(lines);
  const rows: BenchRow[] = [];
  let sink = 0;

  const mapper = await measureWithCpu(
    `IRC tag mapper on PRIVMSG lines split by tmi.js's parser, ${LINES.toLocaleString('en-US')} lines`,
    () => {
      for (const message of messages) if (chatEventFromPrivmsg(message).ok) sink += 1;
    },
    { runs: 7, warmup: 2 },
  );
  mapper.row.note = note(LINES, mapper.row.median_ms, mapper.cpuMs);
  rows.push(mapper.row);

  const parserAndMapper = await measureWithCpu(
    `tmi.js parser + IRC tag mapper from raw lines, ${LINES.toLocaleString('en-US')} lines`,
    () => {
      for (const line of lines) {
        const message = parseIrcLine(line)?.privmsg;
        if (message != null && chatEventFromPrivmsg(message).ok) sink += 1;
      }
    },
    { runs: 7, warmup: 2 },
  );
  parserAndMapper.row.note = note(LINES, parserAndMapper.row.median_ms, parserAndMapper.cpuMs);
  rows.push(parserAndMapper.row);

  const whole = await measureWithCpu(
    `listener per-message work (parser, mapper, duplicate check, event encoding), ${LINES.toLocaleString('en-US')} lines`,
    () => {
      const recent = new RecentIds(10_000);
      for (const line of lines) {
        const message = parseIrcLine(line)?.privmsg;
        if (message == null) continue;
        const mapped = chatEventFromPrivmsg(message);
        if (!mapped.ok || (mapped.event.messageId !== null && recent.seen(mapped.event.messageId))) continue;
        const value = Buffer.from(encodeChatEvent(mapped.event));
        sink += value.length > 0 && chatEventKey(mapped.event) !== '' ? 1 : 0;
      }
    },
    { runs: 7, warmup: 2 },
  );
  whole.row.note = note(LINES, whole.row.median_ms, whole.cpuMs);
  rows.push(whole.row);

  rows.push(await endToEnd());
  if (sink === 0) throw new Error('nothing was mapped');
  return rows;
}
