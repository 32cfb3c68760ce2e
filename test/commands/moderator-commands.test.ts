/**
 * /vip-candidates, /overlap and the bot flags in the other commands, on the demo dataset and on small
 * hand-built graphs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import type { CommandPorts } from '../../src/commands/command.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { BotDetector } from '../../src/insights/bot-detector.js';
import type { Candidate } from '../../src/insights/vip-candidates.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { activity, streamer } from '../contract/graph-store.contract.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const run = (line: string, ports: CommandPorts) =>
  dispatch(parseCommandLine(line, definitions), registry, ports);
const NOW = new Date(Date.UTC(2026, 0, 20));
const DAY = 86_400_000;

describe('moderator commands on the demo dataset', () => {
  let graph: GraphStore;
  let ports: CommandPorts;
  beforeAll(async () => {
    graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
    ports = { graph, now: () => NOW, bots: new BotDetector(graph) };
  });

  it('flags the known bots among the moderators, with the reason', async () => {
    const flags = await new BotDetector(graph).flags();
    for (const bot of ['moobot', 'nightbot', 'streamelements', 'fossabot', 'streamlabs']) {
      expect(flags.get(bot)?.reason, bot).toMatch(/^known bot \(chat bots\)/);
    }
    expect(flags.get('streamelements')?.reason).toContain('moderator in 27 channels, VIP in none');
    // An account in 51 of the 57 channels' chatter lists is not a person.
    expect(flags.get('aten')?.reason).toBe('in 51 of 57 channels (89%)');
    expect(flags.has('ssakdook')).toBe(false);
  });

  it('leaves bots out of /top moderators by default, and says which', async () => {
    const { reply } = await run('/top moderators 5', ports);
    const names = reply.table?.rows.map((r) => r[1]);
    expect(names).not.toContain('streamelements');
    expect(names?.[0]).toBe('ssakdook');
    expect(reply.notes.join(' ')).toMatch(/Left out 4 accounts flagged as bots: streamelements \(known bot/);
    const all = await run('/top moderators 5 exclude_bots:false', ports);
    expect(all.reply.table?.rows[0]?.[1]).toBe('streamelements');
  });

  it('never proposes a bot or a badge holder, for the largest channel', async () => {
    const { outcome, reply } = await run('/vip-candidates lck_korea 25', ports);
    expect(outcome).toBe('ok');
    const candidates = (reply.data as { candidates: Candidate[] }).candidates;
    expect(candidates).toHaveLength(25);
    const flags = await new BotDetector(graph).flags();
    const audience = (await graph.channelAudience('190835892')) ?? [];
    const badged = new Set(audience.filter((m) => m.vipHere || m.moderatorHere).map((m) => m.login));
    for (const c of candidates) {
      expect(flags.has(c.login), c.login).toBe(false);
      expect(badged.has(c.login), c.login).toBe(false);
      expect(c.reasons.length).toBeGreaterThan(0);
    }
    // CSV data: people who chat across the community come first.
    expect(candidates[0]?.reasons).toEqual(['chats in 3 other channels']);
    expect(reply.notes.join(' ')).toMatch(/Not in this data: messages, days seen, recency, subscriber/);
    expect(reply.fields?.at(-1)?.name).toBe('Flagged as bots here (3)');
  });

  it('finds a VIP in other channels as a VIP candidate', async () => {
    // kristoferyee is VIP in 3 channels; in a channel where they chat without a badge they should lead.
    const vipElsewhere = (await graph.accountPresence({ minChannels: 1, logins: ['kristoferyee'] })).find(
      (a) => a.login === 'kristoferyee',
    );
    expect(vipElsewhere?.vipIn).toBe(3);
  });

  it('lists the channels sharing an audience, with a chart', async () => {
    const { outcome, reply } = await run('/overlap badboyhalo limit:5', ports);
    expect(outcome).toBe('ok');
    expect(reply.table?.rows).toHaveLength(5);
    const shared = reply.table?.rows.map((r) => Number(r[2]?.replace(/,/g, '')));
    expect(shared).toEqual([...(shared ?? [])].sort((a, b) => b - a));
    expect(reply.pictures[0]?.name).toBe('overlap-badboyhalo.png');
  });

  it('measures the overlap of two channels both ways', async () => {
    const { reply } = await run('/overlap badboyhalo boxbox', ports);
    const data = reply.data as { shared: number; sizeA: number; sizeB: number; jaccard: number };
    expect(data.shared).toBe(2);
    expect(data.jaccard).toBeCloseTo(2 / (data.sizeA + data.sizeB - 2), 12);
    const back = await run('/overlap boxbox badboyhalo', ports);
    expect((back.reply.data as { shared: number }).shared).toBe(2);
  });

  it('answers unknown channels and the same channel twice helpfully', async () => {
    expect((await run('/overlap nobody_here', ports)).reply.title).toBe('Channel not found');
    expect((await run('/overlap boxbox BoxBox', ports)).reply.title).toBe('Same channel twice');
    expect((await run('/vip-candidates nobody_here', ports)).reply.ephemeral).toBe(true);
    expect((await run('/vip-candidates boxbox role:admin', ports)).outcome).toBe('bad-arguments');
  });

  it('marks bots in the pictures and can leave them out of PageRank', async () => {
    const excluded = await run('/pagerank 50 exclude_bots:true', ports);
    expect(excluded.reply.notes.join(' ')).toMatch(/Computed without the \d+ accounts flagged as bots/);
  });

  it('/streamer lists every flagged account in the audience, also those too far down to be drawn', async () => {
    const hood = await run('/streamer lck_korea', ports);
    // From the demo CSVs: moobot moderates lck_korea (a known bot); 2020 and aten chat there and sit in 45
    // and 51 of the 57 channels. By login they are chatters no. 124 and 1,009 of 1,704, below the 100 drawn.
    expect((hood.reply.data as { bots: string[] }).bots).toEqual(['2020', 'aten', 'moobot']);
    expect(hood.reply.fields?.find((f) => f.name.startsWith('Bots'))).toEqual({
      name: 'Bots (3)',
      value: '2020, aten, moobot',
    });
  });
});

describe('VIP candidates from live chat, on a hand-built graph', () => {
  it('puts a clear VIP candidate above a one-message chatter, with reasons', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await graph.upsertStreamers([
      streamer('1', 'home'),
      streamer('2', 'other'),
      streamer('3', 'third'),
      streamer('4', 'fourth'),
    ]);
    await graph.addRoles([
      { streamerId: '2', login: 'loyal', role: 'VIP' },
      { streamerId: '3', login: 'loyal', role: 'VIP' },
      { streamerId: '4', login: 'loyal', role: 'VIP' },
      { streamerId: '1', login: 'already', role: 'VIP' },
    ]);
    const t = NOW.getTime();
    await graph.applyChatActivity(
      [
        activity('1', 'loyal', {
          messages: 212,
          firstSeen: t - 20 * DAY,
          lastSeen: t - 2 * DAY,
          days: Array.from({ length: 9 }, (_, i) => Math.floor(t / DAY) - 20 + 2 * i),
          subscriber: true,
        }),
        activity('1', 'drive_by', {
          messages: 1,
          firstSeen: t - DAY,
          lastSeen: t - DAY,
          days: [Math.floor(t / DAY) - 1],
        }),
        activity('1', 'already', { messages: 500 }),
        activity('1', 'nightbot', { messages: 900 }),
      ],
      [],
    );
    const { reply } = await run('/vip-candidates home', { graph, now: () => NOW });
    const candidates = (reply.data as { candidates: Candidate[] }).candidates;
    expect(candidates.map((c) => c.login)).toEqual(['loyal', 'drive_by']);
    expect(reply.fields?.[0]?.value).toBe(
      'VIP in 3 other channels · 212 messages over 9 days · last seen 2 days ago · subscriber',
    );
    expect(reply.notes.join(' ')).toContain(
      'Scored on: messages, days seen, recency, badges elsewhere, subscriber, other channels, PageRank.',
    );
  });
});
