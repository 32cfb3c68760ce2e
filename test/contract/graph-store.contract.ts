/**
 * The GraphStore contract: one suite that every adapter must pass unchanged (embedded in `npm test`,
 * Bolt against Neo4j/Memgraph in `npm run test:integration`). `open` must give an empty graph each time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatActivity, StreamerRecord } from '../../src/domain/graph-records.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { AlertRecord, AlertRule, GraphStore } from '../../src/graph/graph-store.port.js';
import { audienceColumnsOf } from '../../src/graph/audience-columns.js';
import {
  CHATS_HERE,
  MODERATOR_HERE,
  OFFSET_CONFLICT,
  OffsetConflictError,
  VIP_HERE,
} from '../../src/graph/graph-store.port.js';

export interface ContractOptions {
  /** Largest allowed difference from the in-process algorithms (MAGE on Memgraph: 1e-6). */
  algorithmTolerance?: number;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

export function streamer(id: string, login: string, extra: Partial<StreamerRecord> = {}): StreamerRecord {
  return {
    id,
    login,
    displayName: login.toUpperCase(),
    game: 'Chess',
    language: 'en',
    url: `https://www.twitch.tv/${login}`,
    followers: 1_000,
    totalViewCount: 10_000,
    createdAt: '2020-01-01T00:00:00.000Z',
    description: `about ${login}`,
    ...extra,
  };
}

export function activity(channelId: string, login: string, extra: Partial<ChatActivity> = {}): ChatActivity {
  return {
    channelId,
    channelLogin: null,
    login,
    messages: 1,
    firstSeen: T0,
    lastSeen: T0,
    days: [Math.floor(T0 / DAY)],
    moderator: false,
    vip: false,
    subscriber: false,
    ...extra,
  };
}

/** A small graph used by several reads: three channels, overlapping chatters, roles, teams. */
export async function seedSmallGraph(store: GraphStore): Promise<void> {
  await store.upsertStreamers([
    streamer('1', 'alpha', {
      game: 'Chess',
      language: 'en',
      followers: 5_000_000_000,
      totalViewCount: 3_000_000_000,
    }),
    streamer('2', 'bravo', { game: 'Chess', language: 'ko', followers: 20, totalViewCount: 9_999_999_999 }),
    streamer('3', 'charlie', { game: 'Go', language: 'en', followers: 300, totalViewCount: 30 }),
  ]);
  await store.addTeamMemberships([
    { streamerId: '1', team: 'red' },
    { streamerId: '2', team: 'red' },
    { streamerId: '3', team: 'blue' },
  ]);
  await store.addRoles([
    { streamerId: '1', login: 'vince', role: 'VIP' },
    { streamerId: '2', login: 'vince', role: 'VIP' },
    { streamerId: '3', login: 'wanda', role: 'VIP' },
    { streamerId: '1', login: 'nightbot', role: 'MODERATOR' },
    { streamerId: '2', login: 'nightbot', role: 'MODERATOR' },
    { streamerId: '3', login: 'nightbot', role: 'MODERATOR' },
    { streamerId: '1', login: 'mia', role: 'MODERATOR' },
  ]);
  await store.addChatters([
    { streamerId: '1', login: 'vince' },
    { streamerId: '1', login: 'xena' },
    { streamerId: '2', login: 'xena' },
    { streamerId: '3', login: 'yuri' },
    { streamerId: '1', login: 'charlie' },
  ]);
}

export function graphStoreContract(
  backend: string,
  open: () => Promise<GraphStore>,
  options: ContractOptions = {},
): void {
  describe(`GraphStore contract: ${backend}`, () => {
    let store: GraphStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('an empty graph', () => {
      it('counts nothing and lists nothing', async () => {
        const counts = await store.counts();
        expect(counts.nodes).toBe(0);
        expect(counts.relationships).toBe(0);
        expect(counts.byLabel).toEqual({ User: 0, Stream: 0, Game: 0, Language: 0, Team: 0 });
        expect(counts.byType).toEqual({
          CHATTER: 0,
          VIP: 0,
          MODERATOR: 0,
          PLAYS: 0,
          SPEAKS: 0,
          IS_PART_OF: 0,
        });
        expect(await store.topGames(10)).toEqual([]);
        expect(await store.topStreamers('views', 10)).toEqual([]);
        expect(await store.findStreamer('nobody')).toBeNull();
        expect(await store.neighbourhood('404', { chatterLimit: 5 })).toBeNull();
        expect(await store.listNames('streamer')).toEqual([]);
        expect(await store.pagerank({ limit: 5 })).toEqual([]);
        expect((await store.betweenness({ limit: 5 })).rows).toEqual([]);
      });
    });

    describe('writing streamers', () => {
      it('answers a display name two streams share with the first by login, whatever the write order', async () => {
        // Display names are not unique on Twitch; every backend must pick the same one (graph-order.ts).
        await store.upsertStreamers([streamer('30', 'zed_tv', { displayName: 'Twin' })]);
        await store.upsertStreamers([streamer('31', 'ann_tv', { displayName: 'twin' })]);
        await store.upsertStreamers([streamer('32', 'mid_tv', { displayName: 'TWIN' })]);
        expect((await store.findStreamer('Twin'))?.login).toBe('ann_tv');
        expect((await store.findStreamer('@twin'))?.login).toBe('ann_tv');
        // A login or an id still wins over a display name.
        expect((await store.findStreamer('zed_tv'))?.id).toBe('30');
        expect((await store.findStreamer('32'))?.login).toBe('mid_tv');
      });

      it('creates a User:Stream node with its game and language', async () => {
        const result = await store.upsertStreamers([
          streamer('10', 'solo', { game: 'Chess', language: 'de' }),
        ]);
        expect(result).toEqual({ written: 1, unknownStreamIds: [] });
        const counts = await store.counts();
        expect(counts.byLabel).toEqual({ User: 1, Stream: 1, Game: 1, Language: 1, Team: 0 });
        expect(counts.byType.PLAYS).toBe(1);
        expect(counts.byType.SPEAKS).toBe(1);
        const found = await store.findStreamer('solo');
        expect(found).toMatchObject({
          id: '10',
          login: 'solo',
          displayName: 'SOLO',
          game: 'Chess',
          language: 'de',
          teams: [],
        });
      });

      it('is idempotent and replaces a changed game instead of adding a second one', async () => {
        await store.upsertStreamers([streamer('10', 'solo', { game: 'Chess' })]);
        await store.upsertStreamers([streamer('10', 'solo', { game: 'Chess' })]);
        expect((await store.counts()).relationships).toBe(2);
        await store.upsertStreamers([streamer('10', 'solo', { game: 'Go', followers: 7 })]);
        const found = await store.findStreamer('solo');
        expect(found?.game).toBe('Go');
        expect(found?.followers).toBe(7);
        expect((await store.counts()).byType.PLAYS).toBe(1);
        expect(await store.topGames(10)).toEqual([
          { name: 'Go', count: 1 },
          { name: 'Chess', count: 0 },
        ]);
      });

      it('keeps a streamer without game or language without those links', async () => {
        await store.upsertStreamers([streamer('10', 'solo', { game: null, language: null })]);
        const counts = await store.counts();
        expect(counts.byType.PLAYS).toBe(0);
        expect(counts.byType.SPEAKS).toBe(0);
        expect((await store.findStreamer('solo'))?.game).toBeNull();
      });

      it('keeps counts above 2^31 exact', async () => {
        await store.upsertStreamers([
          streamer('10', 'big', { followers: 4_423_916_123, totalViewCount: 9_007_199_254_740_991 }),
        ]);
        const found = await store.findStreamer('big');
        expect(found?.followers).toBe(4_423_916_123);
        expect(found?.totalViewCount).toBe(9_007_199_254_740_991);
      });

      it('makes a streamer the same node as the user who chatted elsewhere before', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.addChatters([{ streamerId: '1', login: 'boxbox' }]);
        await store.addRoles([{ streamerId: '1', login: 'boxbox', role: 'VIP' }]);
        await store.upsertStreamers([streamer('2', 'boxbox')]);
        const counts = await store.counts();
        expect(counts.byLabel.User).toBe(2);
        expect(counts.byLabel.Stream).toBe(2);
        expect(counts.byType.CHATTER).toBe(1);
        expect(counts.byType.VIP).toBe(1);
        expect(await store.topRoleHolders('VIP', 5)).toEqual([{ name: 'boxbox', count: 1 }]);
        const hood = await store.neighbourhood('1', { chatterLimit: 10 });
        expect(hood?.vips).toEqual(['boxbox']);
      });
    });

    describe('writing memberships, roles and chatters', () => {
      it('reports rows for unknown streams and does not apply them', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        const teams = await store.addTeamMemberships([
          { streamerId: '1', team: 'red' },
          { streamerId: '99', team: 'ghost' },
        ]);
        expect(teams.written).toBe(1);
        expect(teams.unknownStreamIds).toEqual(['99']);
        const roles = await store.addRoles([{ streamerId: '98', login: 'x', role: 'VIP' }]);
        expect(roles).toEqual({ written: 0, unknownStreamIds: ['98'] });
        const chatters = await store.addChatters([
          { streamerId: '1', login: 'y' },
          { streamerId: '97', login: 'z' },
          { streamerId: '97', login: 'w' },
        ]);
        expect(chatters.written).toBe(1);
        expect(chatters.unknownStreamIds).toEqual(['97']);
        const counts = await store.counts();
        expect(counts.byLabel.Team).toBe(1);
        expect(counts.byType.VIP).toBe(0);
        expect(counts.byType.CHATTER).toBe(1);
        expect(await store.listNames('team')).toEqual(['red']);
      });

      it('merges repeated rows into one relationship', async () => {
        await seedSmallGraph(store);
        const before = await store.counts();
        await seedSmallGraph(store);
        expect(await store.counts()).toEqual(before);
      });
    });

    describe('the seed questions', () => {
      beforeEach(async () => {
        await seedSmallGraph(store);
      });

      it('counts nodes and relationships by label and type', async () => {
        const counts = await store.counts();
        // users: alpha bravo charlie (streamers) + vince wanda nightbot mia xena yuri
        expect(counts.byLabel).toEqual({ User: 9, Stream: 3, Game: 2, Language: 2, Team: 2 });
        expect(counts.byType).toEqual({
          CHATTER: 5,
          VIP: 3,
          MODERATOR: 4,
          PLAYS: 3,
          SPEAKS: 3,
          IS_PART_OF: 3,
        });
        expect(counts.nodes).toBe(9 + 2 + 2 + 2);
        expect(counts.relationships).toBe(5 + 3 + 4 + 3 + 3 + 3);
      });

      it('ranks games and teams by streamers, ties by name', async () => {
        expect(await store.topGames(10)).toEqual([
          { name: 'Chess', count: 2 },
          { name: 'Go', count: 1 },
        ]);
        expect(await store.topGames(1)).toEqual([{ name: 'Chess', count: 2 }]);
        expect(await store.topTeams(10)).toEqual([
          { name: 'red', count: 2 },
          { name: 'blue', count: 1 },
        ]);
      });

      it('ranks VIPs and moderators by channels granting the badge', async () => {
        expect(await store.topRoleHolders('VIP', 10)).toEqual([
          { name: 'vince', count: 2 },
          { name: 'wanda', count: 1 },
        ]);
        expect(await store.topRoleHolders('MODERATOR', 10)).toEqual([
          { name: 'nightbot', count: 3 },
          { name: 'mia', count: 1 },
        ]);
        expect(await store.topRoleHolders('MODERATOR', 10, { excludeLogins: ['nightbot'] })).toEqual([
          { name: 'mia', count: 1 },
        ]);
      });

      it('ranks streamers by views and by followers', async () => {
        expect((await store.topStreamers('views', 10)).map((s) => s.login)).toEqual([
          'bravo',
          'alpha',
          'charlie',
        ]);
        expect((await store.topStreamers('followers', 2)).map((s) => s.login)).toEqual(['alpha', 'charlie']);
        const [top] = await store.topStreamers('views', 1);
        expect(top).toMatchObject({
          login: 'bravo',
          totalViewCount: 9_999_999_999,
          teams: ['red'],
          language: 'ko',
        });
      });

      it('finds a streamer by login, display name or @login, ignoring case', async () => {
        expect((await store.findStreamer('alpha'))?.id).toBe('1');
        expect((await store.findStreamer('ALPHA'))?.id).toBe('1');
        expect((await store.findStreamer('@Bravo'))?.id).toBe('2');
        expect(await store.findStreamer('vince')).toBeNull();
      });

      it("describes a streamer's neighbourhood", async () => {
        const hood = await store.neighbourhood('1', { chatterLimit: 10 });
        expect(hood).not.toBeNull();
        expect(hood?.streamer).toMatchObject({
          login: 'alpha',
          game: 'Chess',
          language: 'en',
          teams: ['red'],
        });
        expect(hood?.vips).toEqual(['vince']);
        expect(hood?.moderators).toEqual(['mia', 'nightbot']);
        expect(hood?.chatters).toEqual([
          { login: 'charlie', messages: null },
          { login: 'vince', messages: null },
          { login: 'xena', messages: null },
        ]);
        expect(hood?.chatterCount).toBe(3);
        // Which nodes, in which order: 'orders neighbourhood nodes and links alike on every backend'.
        const ids = new Set(hood?.view.nodes.map((n) => n.id));
        expect(ids.size).toBe(9);
        expect(hood?.view.links).toContainEqual({
          source: 'User:vince',
          target: 'Stream:alpha',
          type: 'VIP',
        });
        expect(hood?.view.links).toContainEqual({
          source: 'User:vince',
          target: 'Stream:alpha',
          type: 'CHATTER',
        });
        expect(hood?.view.links).toContainEqual({
          source: 'Stream:alpha',
          target: 'Game:Chess',
          type: 'PLAYS',
        });
        expect(hood?.view.omitted).toBe(0);
        for (const link of hood?.view.links ?? []) {
          expect(ids.has(link.source) && ids.has(link.target)).toBe(true);
        }
      });

      const chatInAlpha = () =>
        store.applyChatActivity(
          [
            activity('1', 'xena', { messages: 5 }),
            activity('1', 'vince', { messages: 2 }),
            activity('1', 'zed', { messages: 2 }),
          ],
          [],
        );

      it('limits chatters in a neighbourhood, most messages first', async () => {
        await chatInAlpha();
        const hood = await store.neighbourhood('1', { chatterLimit: 2 });
        expect(hood?.chatters).toEqual([
          { login: 'xena', messages: 5 },
          { login: 'vince', messages: 2 },
        ]);
        expect(hood?.chatterCount).toBe(4);
        expect(hood?.view.omitted).toBe(2);
      });

      it('orders neighbourhood nodes and links alike on every backend', async () => {
        await chatInAlpha();
        const hood = await store.neighbourhood('1', { chatterLimit: 10 });
        // vince is drawn once, where he first appears (as a VIP), so his node has no message weight.
        expect(hood?.view.nodes.map((n) => n.id)).toEqual([
          'Stream:alpha',
          'Game:Chess',
          'Language:en',
          'Team:red',
          'User:vince',
          'User:mia',
          'User:nightbot',
          'User:xena',
          'User:zed',
          'User:charlie',
        ]);
        expect(hood?.view.nodes.find((n) => n.id === 'User:xena')?.weight).toBe(5);
        expect(hood?.view.links.map((l) => `${l.source} ${l.type} ${l.target}`)).toEqual([
          'Stream:alpha PLAYS Game:Chess',
          'Stream:alpha SPEAKS Language:en',
          'Stream:alpha IS_PART_OF Team:red',
          'User:vince VIP Stream:alpha',
          'User:mia MODERATOR Stream:alpha',
          'User:nightbot MODERATOR Stream:alpha',
          'User:xena CHATTER Stream:alpha',
          'User:vince CHATTER Stream:alpha',
          'User:zed CHATTER Stream:alpha',
          'User:charlie CHATTER Stream:alpha',
        ]);
      });

      it('lists streamers by language and game, case-insensitively', async () => {
        expect((await store.streamersBy({ language: 'EN', game: null })).map((s) => s.login)).toEqual([
          'alpha',
          'charlie',
        ]);
        expect((await store.streamersBy({ language: 'en', game: 'chess' })).map((s) => s.login)).toEqual([
          'alpha',
        ]);
        expect((await store.streamersBy({ language: null, game: 'Chess' })).map((s) => s.login)).toEqual([
          'alpha',
          'bravo',
        ]);
        expect(await store.streamersBy({ language: 'fr', game: null })).toEqual([]);
        expect((await store.streamersBy({ language: null, game: null })).length).toBe(3);
      });

      it('lists names of every kind, sorted', async () => {
        expect(await store.listNames('streamer')).toEqual(['alpha', 'bravo', 'charlie']);
        expect(await store.listNames('game')).toEqual(['Chess', 'Go']);
        expect(await store.listNames('language')).toEqual(['en', 'ko']);
        expect(await store.listNames('team')).toEqual(['blue', 'red']);
      });

      it('shows the connections among given users and streams', async () => {
        const view = await store.connections([
          { kind: 'Stream', name: 'alpha' },
          { kind: 'Stream', name: 'charlie' },
          { kind: 'User', name: 'vince' },
          { kind: 'User', name: 'nobody' },
        ]);
        const ids = view.nodes.map((n) => n.id).sort();
        expect(ids).toEqual([
          'Game:Chess',
          'Game:Go',
          'Language:en',
          'Stream:alpha',
          'Stream:charlie',
          'Team:blue',
          'Team:red',
          'User:vince',
        ]);
        expect(view.links).toContainEqual({
          source: 'Stream:charlie',
          target: 'Stream:alpha',
          type: 'CHATTER',
        });
        expect(view.links).toContainEqual({ source: 'User:vince', target: 'Stream:alpha', type: 'VIP' });
        expect(view.links).not.toContainEqual(expect.objectContaining({ target: 'Stream:bravo' }));
      });

      it('orders connection nodes alike on every backend: given ones as given, then the rest by id', async () => {
        const view = await store.connections([
          { kind: 'Stream', name: 'charlie' },
          { kind: 'User', name: 'vince' },
          { kind: 'Stream', name: 'alpha' },
          { kind: 'Stream', name: 'bravo' },
        ]);
        expect(view.nodes).toEqual([
          { id: 'Stream:charlie', kind: 'Stream', label: 'CHARLIE' },
          { id: 'User:vince', kind: 'User', label: 'vince' },
          { id: 'Stream:alpha', kind: 'Stream', label: 'ALPHA' },
          { id: 'Stream:bravo', kind: 'Stream', label: 'BRAVO' },
          { id: 'Game:Chess', kind: 'Game', label: 'Chess' },
          { id: 'Game:Go', kind: 'Game', label: 'Go' },
          { id: 'Language:en', kind: 'Language', label: 'en' },
          { id: 'Language:ko', kind: 'Language', label: 'ko' },
          { id: 'Team:blue', kind: 'Team', label: 'blue' },
          { id: 'Team:red', kind: 'Team', label: 'red' },
        ]);
        expect(view.links.map((l) => `${l.source} ${l.type} ${l.target}`)).toEqual([
          'Stream:alpha PLAYS Game:Chess',
          'Stream:alpha SPEAKS Language:en',
          'Stream:alpha IS_PART_OF Team:red',
          'Stream:bravo PLAYS Game:Chess',
          'Stream:bravo SPEAKS Language:ko',
          'Stream:bravo IS_PART_OF Team:red',
          'Stream:charlie PLAYS Game:Go',
          'Stream:charlie SPEAKS Language:en',
          'Stream:charlie CHATTER Stream:alpha',
          'Stream:charlie IS_PART_OF Team:blue',
          'User:vince CHATTER Stream:alpha',
          'User:vince VIP Stream:alpha',
          'User:vince VIP Stream:bravo',
        ]);
        expect(view.omitted).toBe(0);
      });
    });

    describe('chat activity', () => {
      it('adds messages, keeps first and last seen, and adds role edges from badges', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.applyChatActivity(
          [
            activity('1', 'kim', {
              messages: 3,
              firstSeen: T0,
              lastSeen: T0 + 1_000,
              vip: true,
              subscriber: true,
            }),
          ],
          [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '3' }],
        );
        await store.applyChatActivity(
          [
            activity('1', 'kim', {
              messages: 2,
              firstSeen: T0 + DAY,
              lastSeen: T0 + DAY + 5,
              days: [Math.floor((T0 + DAY) / DAY)],
              moderator: true,
            }),
          ],
          [{ group: 'g', topic: 't', partition: 0, from: '3', offset: '5' }],
        );
        const hood = await store.neighbourhood('1', { chatterLimit: 5 });
        expect(hood?.chatters).toEqual([{ login: 'kim', messages: 5 }]);
        expect(hood?.vips).toEqual(['kim']);
        expect(hood?.moderators).toEqual(['kim']);
        expect(await store.readOffsets('g', 't')).toEqual([
          { group: 'g', topic: 't', partition: 0, offset: '5' },
        ]);
      });

      it('keeps offsets per group, topic and partition', async () => {
        await store.applyChatActivity(
          [],
          [
            { group: 'g', topic: 't', partition: 1, from: '0', offset: '10' },
            { group: 'g', topic: 't', partition: 0, from: '9007199254740000', offset: '9007199254740993' },
            { group: 'g', topic: 'other', partition: 0, from: '0', offset: '1' },
            { group: 'h', topic: 't', partition: 0, from: '0', offset: '2' },
          ],
        );
        expect(await store.readOffsets('g', 't')).toEqual([
          { group: 'g', topic: 't', partition: 0, offset: '9007199254740993' },
          { group: 'g', topic: 't', partition: 1, offset: '10' },
        ]);
        expect(await store.readOffsets('nobody', 't')).toEqual([]);
        // Offsets are bookkeeping: they are not part of the graph.
        expect((await store.counts()).nodes).toBe(0);
      });

      it('refuses a batch the stored offset has passed, applying nothing of it (offset compare-and-set)', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.applyChatActivity(
          [activity('1', 'kim', { messages: 2 })],
          [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '10' }],
        );
        // Partition 1 is new and partition 0 overlaps: one conflicting partition refuses the whole write.
        const refused: unknown = await store
          .applyChatActivity(
            [activity('1', 'kim', { messages: 5 }), activity('9', 'lee', { channelLogin: 'nine' })],
            [
              { group: 'g', topic: 't', partition: 0, from: '9', offset: '12' },
              { group: 'g', topic: 't', partition: 1, from: '0', offset: '3' },
            ],
          )
          .catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(OffsetConflictError);
        expect(refused).toMatchObject({
          code: OFFSET_CONFLICT,
          canRetry: false,
          conflicts: [{ group: 'g', topic: 't', partition: 0, stored: '10', from: '9' }],
        });
        expect((await store.neighbourhood('1', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'kim', messages: 2 },
        ]);
        expect(await store.findStreamer('nine')).toBeNull();
        expect((await store.counts()).byLabel).toMatchObject({ User: 2, Stream: 1 });
        expect(await store.readOffsets('g', 't')).toEqual([
          { group: 'g', topic: 't', partition: 0, offset: '10' },
        ]);
      });

      it('accepts a batch that starts at the stored offset or after a gap, per group', async () => {
        const at = (from: string, offset: string, group = 'g') => [
          { group, topic: 't', partition: 0, from, offset },
        ];
        await store.applyChatActivity([], at('9007199254740000', '9007199254740993'));
        // 64-bit exact: as a double, 9007199254740992 would equal the stored offset and pass.
        await expect(store.applyChatActivity([], at('9007199254740992', '9007199254741000'))).rejects.toThrow(
          OffsetConflictError,
        );
        await store.applyChatActivity([], at('9007199254740993', '9007199254741000'));
        await store.applyChatActivity([], at('9007199254741500', '9007199254741501'));
        await store.applyChatActivity([], at('0', '1', 'other-group'));
        expect(await store.readOffsets('g', 't')).toEqual([
          { group: 'g', topic: 't', partition: 0, offset: '9007199254741501' },
        ]);
        expect(await store.readOffsets('other-group', 't')).toEqual([
          { group: 'other-group', topic: 't', partition: 0, offset: '1' },
        ]);
      });

      it('lets exactly one of several concurrent writers of the same batch through', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        const sameBatch = () =>
          store.applyChatActivity(
            [activity('1', 'kim', { messages: 3 }), activity('1', 'lee', { messages: 1 })],
            [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '4' }],
          );
        const outcomes = await Promise.allSettled([sameBatch(), sameBatch(), sameBatch(), sameBatch()]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes)
          if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(OffsetConflictError);
        expect((await store.neighbourhood('1', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'kim', messages: 3 },
          { login: 'lee', messages: 1 },
        ]);
        // Offsets alone (a batch of dead letters): no other node to contend for, only the offset's lock.
        const advance = () =>
          store.applyChatActivity([], [{ group: 'g', topic: 't', partition: 0, from: '4', offset: '9' }]);
        const again = await Promise.allSettled([advance(), advance(), advance(), advance()]);
        expect(again.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readOffsets('g', 't')).toEqual([
          { group: 'g', topic: 't', partition: 0, offset: '9' },
        ]);
      });

      it('creates a channel known only by id, then completes it when the streamer is imported', async () => {
        await store.applyChatActivity([activity('55', 'kim', { messages: 2 })], []);
        expect((await store.counts()).byLabel.Stream).toBe(1);
        await store.addChatters([{ streamerId: '1', login: 'late' }]);
        await store.upsertStreamers([streamer('55', 'newcomer')]);
        const hood = await store.neighbourhood('55', { chatterLimit: 5 });
        expect(hood?.streamer.login).toBe('newcomer');
        expect(hood?.chatters).toEqual([{ login: 'kim', messages: 2 }]);
        expect((await store.counts()).byLabel.Stream).toBe(1);
      });

      it('merges a channel first seen by id with the user of the same login', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.applyChatActivity([activity('1', 'dora', { messages: 4 })], []);
        await store.applyChatActivity([activity('77', 'kim')], []);
        await store.applyChatActivity([activity('77', 'sam', { channelLogin: 'dora' })], []);
        const counts = await store.counts();
        expect(counts.byLabel.Stream).toBe(2);
        expect(counts.byLabel.User).toBe(4); // alpha, dora (also a stream), kim, sam
        const hood = await store.neighbourhood('77', { chatterLimit: 5 });
        expect(hood?.streamer.login).toBe('dora');
        expect(hood?.chatters.map((c) => c.login)).toEqual(['kim', 'sam']);
        expect((await store.neighbourhood('1', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'dora', messages: 4 },
        ]);
      });

      it('moves a login that changes hands to the new stream; the old one keeps its id and links', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.addChatters([{ streamerId: '1', login: 'kim' }]);
        await store.upsertStreamers([streamer('2', 'alpha', { game: 'Go' })]);
        const counts = await store.counts();
        expect(counts.byLabel.Stream).toBe(2);
        expect(counts.byLabel.User).toBe(3); // kim, and both streams
        expect((await store.findStreamer('alpha'))?.id).toBe('2');
        const old = await store.neighbourhood('1', { chatterLimit: 5 });
        expect(old?.streamer.login).toBe('');
        expect(old?.streamer.game).toBe('Chess');
        expect(old?.chatters).toEqual([{ login: 'kim', messages: null }]);
        expect(await store.listNames('streamer')).toEqual(['alpha']);
        expect(await store.topGames(5)).toEqual([
          { name: 'Chess', count: 1 },
          { name: 'Go', count: 1 },
        ]);
      });

      it('applies the rows of one batch in order', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.applyChatActivity(
          [
            activity('1', 'kim', { messages: 2, lastSeen: T0 + 10 }),
            activity('1', 'kim', {
              messages: 3,
              firstSeen: T0 + DAY,
              lastSeen: T0 + DAY + 10,
              days: [Math.floor((T0 + DAY) / DAY)],
            }),
            activity('9', 'lee'), // channel 9 first seen by id…
            activity('9', 'dora', { channelLogin: 'dora' }), // …then by login: dora's own channel (no CHATTER)
            activity('1', 'dora', { messages: 4, vip: true }),
          ],
          [],
        );
        expect((await store.neighbourhood('1', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'kim', messages: 5 },
          { login: 'dora', messages: 4 },
        ]);
        const nine = await store.neighbourhood('9', { chatterLimit: 5 });
        expect(nine?.streamer.login).toBe('dora');
        expect(nine?.chatters).toEqual([{ login: 'lee', messages: 1 }]);
        expect(await store.topRoleHolders('VIP', 5)).toEqual([{ name: 'dora', count: 1 }]);
        const counts = await store.counts();
        expect(counts.byLabel).toEqual({ User: 4, Stream: 2, Game: 1, Language: 1, Team: 0 });
        expect(counts.byType.CHATTER).toBe(3);
      });

      it('records no CHATTER or badge of a broadcaster in their own channel (no self-loop)', async () => {
        await store.upsertStreamers([streamer('1', 'alpha')]);
        await store.applyChatActivity(
          [
            activity('1', 'alpha', { channelLogin: 'alpha', messages: 3, moderator: true, vip: true }),
            activity('1', 'alpha', { messages: 2 }), // a seed message: channel by id, the graph knows the login
            activity('1', 'kim', { channelLogin: 'alpha' }),
            activity('77', 'dora'), // channel 77 known by id only; dora chats there…
            activity('77', 'lee'),
            activity('78', 'eve', { messages: 2 }),
            activity('78', 'sam', { channelLogin: 'eve' }), // …channel 78 turns out to be eve's
          ],
          [],
        );
        await store.upsertStreamers([streamer('77', 'dora')]); // …and 77 is dora's, as the CSV import says
        const alpha = await store.neighbourhood('1', { chatterLimit: 5 });
        expect(alpha).toMatchObject({ chatters: [{ login: 'kim', messages: 1 }], vips: [], moderators: [] });
        expect((await store.neighbourhood('77', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'lee', messages: 1 },
        ]);
        expect((await store.neighbourhood('78', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'sam', messages: 1 },
        ]);
        const counts = await store.counts();
        expect(counts.byType).toMatchObject({ CHATTER: 3, VIP: 0, MODERATOR: 0 });
        const { offsets, targets } = await store.projection();
        for (let node = 0; node + 1 < offsets.length; node += 1)
          expect([...targets.subarray(offsets[node], offsets[node + 1])]).not.toContain(node);
      });

      it('keeps what an old login holder did before the login changed hands within one batch', async () => {
        await store.upsertStreamers([streamer('1', 'alpha'), streamer('5', 'dora')]);
        await store.applyChatActivity(
          [
            activity('1', 'dora', { messages: 4 }), // the old dora (stream 5) chats in alpha's channel
            activity('9', 'sam', { channelLogin: 'dora' }), // the login now belongs to channel 9
            activity('1', 'dora', { messages: 1 }), // the new dora chats in alpha's channel
          ],
          [],
        );
        expect((await store.findStreamer('dora'))?.id).toBe('9');
        expect((await store.neighbourhood('5', { chatterLimit: 5 }))?.streamer.login).toBe('');
        // The old stream's edge stays with it (it has no login now, so it is not listed by name).
        expect((await store.neighbourhood('1', { chatterLimit: 5 }))?.chatters).toEqual([
          { login: 'dora', messages: 1 },
        ]);
        expect((await store.counts()).byType.CHATTER).toBe(3);
      });
    });

    describe("moderators' questions", () => {
      beforeEach(async () => {
        await seedSmallGraph(store);
      });

      it('reports accounts present in many channels, moderating, or named', async () => {
        expect(await store.accountPresence({ minChannels: 2, logins: ['yuri', 'nobody'] })).toEqual([
          { login: 'mia', chatterIn: 0, moderatorIn: 1, vipIn: 0, channels: 1 },
          { login: 'nightbot', chatterIn: 0, moderatorIn: 3, vipIn: 0, channels: 3 },
          { login: 'vince', chatterIn: 1, moderatorIn: 0, vipIn: 2, channels: 2 },
          { login: 'xena', chatterIn: 2, moderatorIn: 0, vipIn: 0, channels: 2 },
          { login: 'yuri', chatterIn: 1, moderatorIn: 0, vipIn: 0, channels: 1 },
        ]);
        expect((await store.accountPresence({ minChannels: 3, logins: [] })).map((a) => a.login)).toEqual([
          'mia',
          'nightbot',
        ]);
      });

      it("lists a channel's audience with chat counts and badges elsewhere", async () => {
        await store.applyChatActivity(
          [
            activity('1', 'xena', {
              messages: 4,
              firstSeen: T0,
              lastSeen: T0 + DAY,
              days: [Math.floor(T0 / DAY), Math.floor(T0 / DAY) + 1],
              subscriber: true,
            }),
          ],
          [],
        );
        const audience = await store.channelAudience('1');
        const base = {
          chatsHere: false,
          vipHere: false,
          moderatorHere: false,
          messages: null,
          firstSeen: null,
          lastSeen: null,
          daysSeen: null,
          subscriber: null,
          vipElsewhere: 0,
          moderatorElsewhere: 0,
          chatsElsewhere: 0,
        };
        expect(audience).toEqual([
          { ...base, login: 'charlie', chatsHere: true },
          { ...base, login: 'mia', moderatorHere: true },
          { ...base, login: 'nightbot', moderatorHere: true, moderatorElsewhere: 2 },
          { ...base, login: 'vince', chatsHere: true, vipHere: true, vipElsewhere: 1 },
          {
            ...base,
            login: 'xena',
            chatsHere: true,
            messages: 4,
            firstSeen: T0,
            lastSeen: T0 + DAY,
            daysSeen: 2,
            subscriber: true,
            chatsElsewhere: 1,
          },
        ]);
        expect(await store.channelAudience('404')).toBeNull();
      });

      it("gives a channel's audience in columns, each member's PageRank when asked", async () => {
        await store.applyChatActivity(
          [
            activity('1', 'xena', {
              messages: 4,
              firstSeen: T0,
              lastSeen: T0 + DAY,
              days: [Math.floor(T0 / DAY)],
            }),
          ],
          [],
        );
        const columns = await store.channelAudienceColumns('1');
        expect(columns).toEqual(audienceColumnsOf((await store.channelAudience('1')) ?? []));
        expect(columns?.logins).toEqual(['charlie', 'mia', 'nightbot', 'vince', 'xena']);
        expect([...(columns?.here ?? [])]).toEqual([
          CHATS_HERE,
          MODERATOR_HERE,
          MODERATOR_HERE,
          CHATS_HERE | VIP_HERE,
          CHATS_HERE,
        ]);
        expect([...(columns?.messages ?? [])]).toEqual([NaN, NaN, NaN, NaN, 4]);
        expect([...(columns?.chatsElsewhere ?? [])]).toEqual([0, 0, 0, 0, 1]);
        expect(columns?.pagerank).toBeUndefined();
        const ranked = await store.channelAudienceColumns('1', { pagerank: true });
        const rows = await store.pagerank({ limit: 50, names: ranked?.logins ?? [] });
        expect(rows.length).toBe(5);
        expect([...(ranked?.pagerank ?? [])]).toEqual(
          (ranked?.logins ?? []).map((login) => rows.find((r) => r.name === login)?.score),
        );
        expect(await store.channelAudienceColumns('404')).toBeNull();
      });

      it("reads a channel's audience afresh after a write, and PageRank only when asked", async () => {
        const before = await store.channelAudienceColumns('1', { pagerank: true });
        expect(before?.logins).not.toContain('zoe_new');
        expect(before?.pagerank).toBeDefined();
        expect((await store.channelAudienceColumns('1'))?.pagerank).toBeUndefined();
        await store.applyChatActivity(
          [
            activity('1', 'zoe_new', {
              messages: 2,
              firstSeen: T0,
              lastSeen: T0,
              days: [Math.floor(T0 / DAY)],
            }),
          ],
          [],
        );
        const after = await store.channelAudienceColumns('1');
        expect(after?.logins).toEqual([...(before?.logins ?? []), 'zoe_new'].sort());
        const at = after?.logins.indexOf('zoe_new') ?? -1;
        expect(after?.messages[at]).toBe(2);
        expect(after?.here[at]).toBe(CHATS_HERE);
      });

      it('tells which of the asked channels each account chats in', async () => {
        // vince is VIP in 2 but chats only in 1; wanda is only VIP; 404 and nobody are unknown.
        const asked = ['yuri', 'xena', 'charlie', 'vince', 'wanda', 'nobody', 'xena'];
        expect(await store.chatsIn(asked, ['2', '1', '404', '3'])).toEqual([
          { login: 'charlie', streamerIds: ['1'] },
          { login: 'vince', streamerIds: ['1'] },
          { login: 'xena', streamerIds: ['2', '1'] },
          { login: 'yuri', streamerIds: ['3'] },
        ]);
        expect(await store.chatsIn(asked, ['1', '2'])).toEqual([
          { login: 'charlie', streamerIds: ['1'] },
          { login: 'vince', streamerIds: ['1'] },
          { login: 'xena', streamerIds: ['1', '2'] },
        ]);
        expect(await store.chatsIn([], ['1'])).toEqual([]);
        expect(await store.chatsIn(asked, [])).toEqual([]);
      });

      it('tells which of the named accounts chat, moderate or are VIP in a channel', async () => {
        // Each way in: vince VIP (and chatter), nightbot and mia moderators, xena chatter, charlie a
        // streamer who chats; wanda and yuri are only in channel 3; nightbot is asked twice.
        const asked = ['nightbot', 'xena', 'wanda', 'yuri', 'charlie', 'nobody', 'vince', 'mia', 'nightbot'];
        expect(await store.presentIn('1', asked)).toEqual(['charlie', 'mia', 'nightbot', 'vince', 'xena']);
        expect(await store.presentIn('3', asked)).toEqual(['nightbot', 'wanda', 'yuri']);
        expect(await store.presentIn('1', [])).toEqual([]);
        expect(await store.presentIn('404', asked)).toEqual([]);
      });

      it('finds the channels that share an audience', async () => {
        expect(await store.audienceOverlap('1')).toEqual({
          channel: { id: '1', login: 'alpha', displayName: 'ALPHA' },
          audience: 3,
          others: [{ channel: { id: '2', login: 'bravo', displayName: 'BRAVO' }, shared: 1, audience: 1 }],
        });
        await store.addChatters([
          { streamerId: '3', login: 'vince' },
          { streamerId: '3', login: 'xena' },
        ]);
        const overlap = await store.audienceOverlap('1');
        expect(overlap?.others.map((o) => [o.channel.login, o.shared, o.audience])).toEqual([
          ['charlie', 2, 3],
          ['bravo', 1, 1],
        ]);
        expect(await store.audienceOverlap('404')).toBeNull();
      });

      it('reports PageRank for chosen names only, over the whole graph', async () => {
        const all = await store.pagerank({ limit: 50 });
        const some = await store.pagerank({ limit: 50, names: ['vince', 'alpha', 'nobody'] });
        expect(some.map((r) => r.name).sort()).toEqual(['alpha', 'vince']);
        for (const row of some)
          expect(row.score).toBeCloseTo(all.find((r) => r.name === row.name)?.score ?? NaN, 12);
      });
    });

    describe('monitored channels', () => {
      it('adds, lists and removes channels, reporting whether anything changed', async () => {
        expect(await store.monitoredChannels()).toEqual([]);
        expect(await store.setMonitoredChannel('zeta', true, 'mod#1')).toBe(true);
        expect(await store.setMonitoredChannel('alpha', true, 'config')).toBe(true);
        expect(await store.setMonitoredChannel('zeta', true, 'mod#2')).toBe(false);
        const listed = await store.monitoredChannels();
        expect(listed.map((c) => [c.login, c.requestedBy])).toEqual([
          ['alpha', 'config'],
          ['zeta', 'mod#1'],
        ]);
        expect(listed.every((c) => Number.isInteger(c.since) && c.since > Date.UTC(2020, 0, 1))).toBe(true);
        expect(await store.setMonitoredChannel('zeta', false, 'mod#1')).toBe(true);
        expect(await store.setMonitoredChannel('zeta', false, 'mod#1')).toBe(false);
        expect((await store.monitoredChannels()).map((c) => c.login)).toEqual(['alpha']);
        // Bookkeeping: not part of the graph.
        expect((await store.counts()).nodes).toBe(0);
        expect(await store.listNames('streamer')).toEqual([]);
      });
    });

    describe('live alerts', () => {
      const rule = (channel: string, extra: Partial<AlertRule> = {}): AlertRule => ({
        channel,
        discordChannel: '1200000000000000100',
        sensitivity: 'normal',
        requestedBy: 'mod#1',
        since: T0,
        ...extra,
      });
      const alert = (id: string, extra: Partial<AlertRecord> = {}): AlertRecord => ({
        id,
        channel: 'alpha',
        kind: 'bot-wave',
        version: 1,
        openedAt: T0,
        updatedAt: T0,
        title: "Bot wave in #alpha: 15 first-time chatters in 60 s (o'brien `x` $y)",
        accounts: 15,
        discordChannel: '1200000000000000100',
        discordMessageId: null,
        ...extra,
      });

      it('sets, replaces, lists and removes alert rules, saying whether anything changed', async () => {
        expect(await store.alertRules()).toEqual([]);
        expect(await store.setAlertRule(rule('zeta'))).toBe(true);
        expect(await store.setAlertRule(rule('alpha', { sensitivity: 'high' }))).toBe(true);
        // The same rule again (by someone else, later) changes nothing, and keeps who set it.
        expect(await store.setAlertRule(rule('zeta', { requestedBy: 'mod#2', since: T0 + 1 }))).toBe(false);
        expect(await store.setAlertRule(rule('zeta', { discordChannel: '1200000000000000200' }))).toBe(true);
        expect(await store.alertRules()).toEqual([
          rule('alpha', { sensitivity: 'high' }),
          rule('zeta', { discordChannel: '1200000000000000200' }),
        ]);
        expect(await store.removeAlertRule('zeta')).toBe(true);
        expect(await store.removeAlertRule('zeta')).toBe(false);
        expect((await store.alertRules()).map((r) => r.channel)).toEqual(['alpha']);
        expect((await store.counts()).nodes).toBe(0);
      });

      it('keeps the highest version of an alert, and lists the latest first', async () => {
        expect(await store.alertRecord('a1')).toBeNull();
        expect(await store.saveAlert(alert('a1'))).toBe(true);
        expect(await store.saveAlert(alert('a1'))).toBe(false);
        const updated = alert('a1', {
          version: 3,
          updatedAt: T0 + 20_000,
          accounts: 40,
          discordMessageId: '99',
        });
        expect(await store.saveAlert(updated)).toBe(true);
        expect(await store.saveAlert(alert('a1', { version: 2, accounts: 20 }))).toBe(false);
        expect(await store.alertRecord('a1')).toEqual(updated);
        await store.saveAlert(alert('b2', { kind: 'raid', updatedAt: T0 + 5_000, discordChannel: null }));
        await store.saveAlert(alert('b1', { updatedAt: T0 + 5_000 }));
        expect((await store.recentAlerts(10)).map((a) => a.id)).toEqual(['a1', 'b1', 'b2']);
        expect((await store.recentAlerts(2)).map((a) => a.id)).toEqual(['a1', 'b1']);
        expect((await store.recentAlerts(10))[2]).toEqual(
          alert('b2', { kind: 'raid', updatedAt: T0 + 5_000, discordChannel: null }),
        );
        expect((await store.counts()).nodes).toBe(0);
      });

      it('tells where accounts are known, with the earliest chat per channel (null: known without a time)', async () => {
        await seedSmallGraph(store);
        await store.applyChatActivity(
          [
            activity('2', 'xena', { channelLogin: 'bravo', firstSeen: T0 + 5, lastSeen: T0 + 5 }),
            activity('3', 'newbie', { channelLogin: 'charlie', firstSeen: T0 + 9, lastSeen: T0 + 9 }),
            activity('1', 'newbie', { channelLogin: 'alpha', firstSeen: T0 + 7, lastSeen: T0 + 8 }),
            activity('1', 'newbie', { channelLogin: 'alpha', firstSeen: T0 + 3, lastSeen: T0 + 4 }),
          ],
          [],
        );
        expect(await store.accountHistory(['newbie', 'nobody', 'xena', 'mia', 'newbie', 'alpha'])).toEqual([
          { login: 'alpha', channels: [] },
          { login: 'mia', channels: [{ channel: 'alpha', firstSeen: null }] },
          {
            login: 'newbie',
            channels: [
              { channel: 'alpha', firstSeen: T0 + 3 },
              { channel: 'charlie', firstSeen: T0 + 9 },
            ],
          },
          {
            login: 'xena',
            channels: [
              { channel: 'alpha', firstSeen: null },
              // The imported CHATTER edge took the time of the live chat merged into it.
              { channel: 'bravo', firstSeen: T0 + 5 },
            ],
          },
        ]);
        expect(await store.accountHistory([])).toEqual([]);
      });
    });

    describe('hostile names', () => {
      const nasty = [
        "o'brien",
        'back\\slash',
        'tick`tock',
        '}) DETACH DELETE n //',
        '"quoted"',
        '$param',
        'emoji 🎮 게임',
      ];

      it('stores and returns names verbatim and deletes nothing', async () => {
        await store.upsertStreamers([
          streamer('1', 'alpha', {
            game: nasty[3] ?? null,
            description: nasty.join(' | '),
            displayName: nasty[0] ?? '',
          }),
        ]);
        await store.addTeamMemberships(nasty.map((team) => ({ streamerId: '1', team })));
        await store.upsertStreamers([streamer('2', 'bravo', { game: nasty[6] ?? null })]);
        const before = await store.counts();
        expect(before.byLabel.Team).toBe(nasty.length);
        expect(await store.listNames('team')).toEqual(
          [...nasty].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
        );
        const alpha = await store.findStreamer("O'BRIEN");
        expect(alpha?.game).toBe('}) DETACH DELETE n //');
        expect(alpha?.description).toBe(nasty.join(' | '));
        expect(
          (await store.streamersBy({ language: null, game: 'emoji 🎮 게임' })).map((s) => s.login),
        ).toEqual(['bravo']);
        expect(await store.findStreamer('}) DETACH DELETE n //')).toBeNull();
        expect(await store.counts()).toEqual(before);
      });
    });

    describe('algorithms', () => {
      const tolerance = options.algorithmTolerance ?? 1e-9;

      async function sameOnEmbedded(): Promise<EmbeddedGraphStore> {
        const reference = EmbeddedGraphStore.inMemory();
        await seedSmallGraph(reference);
        await reference.applyChatActivity([activity('2', 'vince', { messages: 3 })], []);
        return reference;
      }

      it('computes PageRank like the in-process reference', async () => {
        await seedSmallGraph(store);
        await store.applyChatActivity(
          [activity('2', 'vince', { messages: 3 })],
          [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '1' }],
        );
        const reference = await sameOnEmbedded();
        const expected = await reference.pagerank({ limit: 50 });
        const actual = await store.pagerank({ limit: 50 });
        expect(actual.map((r) => [r.name, r.kind])).toEqual(expected.map((r) => [r.name, r.kind]));
        actual.forEach((row, i) =>
          expect(Math.abs(row.score - (expected[i]?.score ?? NaN))).toBeLessThanOrEqual(tolerance),
        );
        expect(actual.reduce((s, r) => s + r.score, 0)).toBeLessThan(1);
        expect((await store.pagerank({ limit: 2 })).length).toBe(2);
      });

      it('computes betweenness like the in-process reference', async () => {
        await seedSmallGraph(store);
        await store.applyChatActivity([activity('2', 'vince', { messages: 3 })], []);
        const reference = await sameOnEmbedded();
        const expected = await reference.betweenness({ limit: 50 });
        const actual = await store.betweenness({ limit: 50 });
        expect(actual.mode).toBe('exact');
        expect(actual.nodeCount).toBe(expected.nodeCount);
        expect(actual.rows.map((r) => r.name)).toEqual(expected.rows.map((r) => r.name));
        actual.rows.forEach((row, i) =>
          expect(Math.abs(row.score - (expected.rows[i]?.score ?? NaN))).toBeLessThanOrEqual(tolerance),
        );
        // charlie chats in alpha's channel, so paths from charlie's chatters run through charlie.
        expect(actual.rows.find((r) => r.name === 'charlie')?.score).toBeGreaterThan(0);
      });

      it('answers betweenness afresh after a write and for each set of excluded logins', async () => {
        await seedSmallGraph(store);
        const before = await store.betweenness({ limit: 50 });
        // zed chats at charlie's: one more source whose shortest paths run through charlie into alpha's
        // channel (charlie chats there), so charlie's share of the paths grows.
        await store.addChatters([{ streamerId: '3', login: 'zed' }]);
        const after = await store.betweenness({ limit: 50 });
        const reference = EmbeddedGraphStore.inMemory();
        await seedSmallGraph(reference);
        await reference.addChatters([{ streamerId: '3', login: 'zed' }]);
        const expected = await reference.betweenness({ limit: 50 });
        const score = (rows: readonly { name: string; score: number }[], name: string) =>
          rows.find((r) => r.name === name)?.score ?? NaN;
        expect(score(after.rows, 'charlie')).toBeGreaterThan(score(before.rows, 'charlie'));
        expect(after.rows.map((r) => r.name)).toEqual(expected.rows.map((r) => r.name));
        after.rows.forEach((row, i) =>
          expect(Math.abs(row.score - (expected.rows[i]?.score ?? NaN))).toBeLessThanOrEqual(tolerance),
        );
        const without = await store.betweenness({ limit: 50, excludeLogins: ['charlie'] });
        expect(without.rows.map((r) => r.name)).not.toContain('charlie');
        expect(without.nodeCount).toBe(after.nodeCount - 1);
        expect(await store.betweenness({ limit: 50 })).toEqual(after);
      });

      it('leaves excluded logins out of the computation', async () => {
        await seedSmallGraph(store);
        const all = await store.projection();
        const without = await store.projection({ excludeLogins: ['nightbot', 'vince'] });
        expect(without.nodes.length).toBe(all.nodes.length - 2);
        expect(without.nodes.some((n) => n.name === 'nightbot')).toBe(false);
        expect(without.targets.length).toBe(all.targets.length - 3 - 3);
        const ranked = await store.pagerank({ limit: 50, excludeLogins: ['nightbot'] });
        expect(ranked.some((r) => r.name === 'nightbot')).toBe(false);
      });

      it('projects a stream known only by id under #<id>, and no bookkeeping', async () => {
        await store.applyChatActivity(
          [activity('55', 'kim')],
          [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '1' }],
        );
        const projection = await store.projection();
        expect(projection.nodes).toEqual([
          { kind: 'Stream', name: '#55' },
          { kind: 'User', name: 'kim' },
        ]);
        expect([...projection.offsets]).toEqual([0, 0, 1]);
        expect([...projection.targets]).toEqual([0]);
      });

      it('projects every node and relationship, ordered by kind and name', async () => {
        await seedSmallGraph(store);
        const projection = await store.projection();
        const counts = await store.counts();
        expect(projection.nodes.length).toBe(counts.nodes);
        expect(projection.targets.length).toBe(counts.relationships);
        expect(projection.offsets.length).toBe(counts.nodes + 1);
        const keys = projection.nodes.map((n) => `${n.kind}\u0000${n.name}`);
        expect(keys).toEqual([...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      });
    });

    // Issue 20: `n.name IN $exclude` is null for a stream known only by id, and `NOT null` drops the row
    // in Cypher; the embedded store keeps such streams. Every backend must keep them.
    describe('excluding logins keeps streams known only by id', () => {
      async function seedWithNamelessStream(): Promise<void> {
        await seedSmallGraph(store);
        await store.applyChatActivity([activity('55', 'kim', { messages: 2 })], []);
      }

      it('in the projection', async () => {
        await seedWithNamelessStream();
        const all = await store.projection();
        const without = await store.projection({ excludeLogins: ['nightbot'] });
        expect(all.nodes).toContainEqual({ kind: 'Stream', name: '#55' });
        expect(without.nodes).toContainEqual({ kind: 'Stream', name: '#55' });
        expect(without.nodes.length).toBe(all.nodes.length - 1);
      });

      it('in PageRank and betweenness', async () => {
        await seedWithNamelessStream();
        const ranked = await store.pagerank({ limit: 100, excludeLogins: ['nightbot'] });
        expect(ranked.map((r) => r.name)).toContain('#55');
        expect(ranked.map((r) => r.name)).not.toContain('nightbot');
        const between = await store.betweenness({ limit: 100, excludeLogins: ['nightbot'] });
        expect(between.rows.map((r) => r.name)).toContain('#55');
        expect(between.nodeCount).toBe((await store.projection()).nodes.length - 1);
      });

      it('and leaves such a stream out when its #<id> is excluded', async () => {
        await seedWithNamelessStream();
        const without = await store.projection({ excludeLogins: ['#55'] });
        expect(without.nodes).not.toContainEqual({ kind: 'Stream', name: '#55' });
      });
    });

    describe('shared-audience graph (communities)', () => {
      it('lists every channel with its audience and every pair sharing chatters, in a fixed order', async () => {
        await seedSmallGraph(store);
        await store.addChatters([
          { streamerId: '3', login: 'vince' },
          { streamerId: '3', login: 'xena' },
          { streamerId: '2', login: 'vince' },
        ]);
        // Roles alone are not audience: nightbot moderates all three and chats nowhere.
        expect(await store.sharedAudienceGraph()).toEqual({
          channels: [
            { channel: { id: '1', login: 'alpha', displayName: 'ALPHA' }, audience: 3 },
            { channel: { id: '2', login: 'bravo', displayName: 'BRAVO' }, audience: 2 },
            { channel: { id: '3', login: 'charlie', displayName: 'CHARLIE' }, audience: 3 },
          ],
          pairs: [
            { a: '1', b: '2', shared: 2 },
            { a: '1', b: '3', shared: 2 },
            { a: '2', b: '3', shared: 2 },
          ],
        });
      });

      it('leaves excluded chatters out of audiences and pairs', async () => {
        await seedSmallGraph(store);
        const graph = await store.sharedAudienceGraph({ excludeLogins: ['xena'] });
        expect(graph.channels.map((c) => [c.channel.login, c.audience])).toEqual([
          ['alpha', 2],
          ['bravo', 0],
          ['charlie', 1],
        ]);
        expect(graph.pairs).toEqual([]);
      });

      it('keeps counting the chats of a stream whose login moved to another stream', async () => {
        await store.upsertStreamers([streamer('1', 'alpha'), streamer('2', 'bravo')]);
        await store.applyChatActivity(
          [activity('1', 'bravo'), activity('1', 'kim'), activity('2', 'kim')],
          [],
        );
        // bravo's login moves to stream 3: stream 2 keeps its chatter relationship into alpha's channel and
        // stays in that audience (on Bolt it is a :Stream without :User then, which the old query missed).
        await store.upsertStreamers([streamer('3', 'bravo')]);
        const graph = await store.sharedAudienceGraph();
        expect(graph.channels.map((c) => [c.channel.id, c.audience])).toEqual([
          ['1', 2],
          ['2', 1],
          ['3', 0],
        ]);
        expect(graph.pairs).toEqual([{ a: '1', b: '2', shared: 1 }]);
      });

      it('is empty for an empty graph', async () => {
        expect(await store.sharedAudienceGraph()).toEqual({ channels: [], pairs: [] });
      });
    });
  });
}
