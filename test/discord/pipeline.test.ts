/**
 * The interaction pipeline driven with real discord.js interactions (built from raw gateway payloads by
 * the library itself), answering over REST to a local fake Discord. Assertions are on the wire payloads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import { defineCommand } from '../../src/commands/command.js';
import { DEFAULT_COMMANDS } from '../../src/commands/registry.js';
import { drawPictures } from '../../src/render/draw-pictures.js';
import type { Picture } from '../../src/reply/picture.js';
import { reply } from '../../src/reply/reply.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { Harness } from '../support/discord-harness.js';
import { botHarness } from '../support/discord-harness.js';
import {
  ALICE,
  APP_ID,
  autocompletePayload,
  BOB,
  buttonPayload,
  slashPayload,
} from '../support/discord-interactions.js';
import { FakeDiscord } from '../support/fake-discord.js';
import type { RecordedRequest } from '../support/fake-discord.js';

const EPHEMERAL = 64;

interface Body {
  type?: number;
  data?: {
    flags?: number;
    embeds?: { title?: string; description?: string; footer?: { text: string }; image?: { url: string } }[];
    components?: { components: { custom_id: string; disabled?: boolean }[] }[];
    choices?: { name: string; value: string }[];
    attachments?: { id: string; description?: string }[];
  };
  flags?: number;
  embeds?: { title?: string; description?: string }[];
}
const body = (r: RecordedRequest | undefined) => (r?.body ?? {}) as Body;
const only = (requests: RecordedRequest[]) => {
  expect(requests).toHaveLength(1);
  return requests[0] as RecordedRequest;
};

/** Test-only commands: one that waits until released, one that throws, one with pictures. */
let release: () => void = () => undefined;
const gate = () => new Promise<void>((resolve) => (release = resolve));
const sleepyCommand = defineCommand({
  definition: { name: 'sleepy', description: 'Answers when the test says so' },
  args: z.object({}),
  async run() {
    await gate();
    return reply({ title: 'Finally awake', description: 'zzz' });
  },
});
const explodeCommand = defineCommand({
  definition: { name: 'explode', description: 'Always fails', slow: true },
  args: z.object({}),
  run() {
    return Promise.reject(new Error('kaboom'));
  },
});
/** The pictures the test command asks for, as data: the pipeline draws them. */
const PICTURES: Picture[] = [
  {
    kind: 'graph',
    name: 'graph of lck korea.png',
    description: 'A graph',
    input: {
      title: 'LCK',
      nodes: [
        { id: 'Stream:lck_korea', kind: 'Stream', label: 'LCK_Korea' },
        { id: 'User:faker', kind: 'User', label: 'faker' },
      ],
      links: [{ source: 'User:faker', target: 'Stream:lck_korea', type: 'CHATTER' }],
    },
    layout: { width: 200, height: 150 },
  },
  {
    kind: 'chart',
    name: 'bars.png',
    description: 'Bars',
    input: { title: 'Bars', rows: [{ label: 'a', value: 2 }] },
    layout: { width: 200 },
  },
];
const pictureCommand = defineCommand({
  definition: { name: 'picture', description: 'A reply with two pictures' },
  args: z.object({}),
  run() {
    return Promise.resolve(reply({ title: 'Pictures', pictures: PICTURES }));
  },
});
const COMMANDS = [...DEFAULT_COMMANDS, sleepyCommand, explodeCommand, pictureCommand];
const definitionOf = (name: string) => COMMANDS.find((c) => c.definition.name === name)?.definition;

describe('Discord interaction pipeline (discord.js ↔ local REST server)', () => {
  let fake: FakeDiscord;
  let graph: GraphStore;
  let h: Harness;

  const slash = (command: string, sub?: string, options: Record<string, string | number> = {}, caller = {}) =>
    h.send(
      slashPayload(
        definitionOf(command),
        { command, ...(sub === undefined ? {} : { subcommand: sub }), options },
        caller,
      ),
    );

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
  });
  afterAll(async () => {
    await h.bot.close();
    await graph.close();
    await fake.close();
  });
  beforeEach(async () => {
    if (h !== undefined) await h.bot.close();
    fake.reset();
    h = botHarness(fake, graph, {
      commands: COMMANDS,
      env: { DISCORD_COOLDOWN_SECONDS: '0', DISCORD_ADMIN_ROLE: 'Graph Keepers' },
      // Pictures take CPU time: no deferral by the clock here, so each test knows what to expect. The
      // test of the clock-driven deferral sets its own deadline.
      pipeline: { deferAfterMs: 60_000 },
    });
  });

  it('answers a quick command with one response of type 4 holding the embed', async () => {
    const r = only(await slash('top', 'games', { limit: 5 }));
    expect(r.path).toMatch(/^\/interactions\/\d+\/token-\d+\/callback$/);
    expect(r.status).toBe(204);
    expect(body(r).type).toBe(4);
    expect((body(r).data?.flags ?? 0) & EPHEMERAL).toBe(0);
    const [embed] = body(r).data?.embeds ?? [];
    expect(embed?.title).toBe('Top 5 games');
    expect(embed?.description).toContain('```');
    expect(embed?.description).toContain('League of Legends');
    expect(body(r).data?.components ?? []).toEqual([]);
    // The bar chart the command draws goes along as a multipart attachment shown in the embed.
    expect(r.multipart).toBe(true);
    expect(r.files.map((f) => f.contentType)).toEqual(['image/png']);
    expect(embed?.image?.url).toBe(`attachment://${r.files[0]?.name}`);
  });

  it('defers a slow command (type 5), then edits the original response', async () => {
    const requests = await slash('pagerank', undefined, { limit: 5 });
    expect(
      requests.map((r) => `${r.method} ${r.path.replace(/\d{10,}/g, 'N').replace(/token-N/, 'T')}`),
    ).toEqual([
      'POST /interactions/N/T/callback',
      `PATCH /webhooks/${APP_ID.replace(/\d+/, 'N')}/T/messages/@original`,
    ]);
    expect(body(requests[0]).type).toBe(5);
    expect(requests[1]?.status).toBe(200);
    expect(body(requests[1]).embeds?.[0]?.title).toBe('PageRank: top 5');
  });

  it('defers a command that is not marked slow once it runs past the deadline', async () => {
    await h.bot.close();
    h = botHarness(fake, graph, {
      commands: COMMANDS,
      env: { DISCORD_COOLDOWN_SECONDS: '0' },
      pipeline: { deferAfterMs: 20 },
    });
    const payload = slashPayload(definitionOf('sleepy'), { command: 'sleepy', options: {} });
    const done = h.send(payload);
    // The pipeline defers on its own while the command still runs; only then does the command finish.
    await fake.waitFor((r) => body(r).type === 5 && r.path.includes(`/interactions/${payload.id}/`));
    release();
    const requests = await done;
    expect(requests.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(body(requests[1]).embeds?.[0]?.title).toBe('Finally awake');
  });

  it('answers a failure after deferring with an ephemeral follow-up, and logs the interaction id', async () => {
    const payload = slashPayload(definitionOf('explode'), { command: 'explode', options: {} });
    const requests = await h.send(payload);
    expect(requests.map((r) => `${r.method} ${r.path.split('/')[1]}`)).toEqual([
      'POST interactions',
      'POST webhooks',
      'DELETE webhooks',
    ]);
    expect(body(requests[0]).type).toBe(5);
    const followUp = body(requests[1]);
    expect(followUp.flags).toBe(EPHEMERAL);
    expect(followUp.embeds?.[0]?.title).toBe('/explode failed');
    expect(requests[2]?.path).toMatch(/\/messages\/@original$/);
    const logged = h.logs.find((l) => l.msg === 'command failed');
    expect(logged?.interactionId).toBe(payload.id);
    expect(JSON.stringify(logged?.err)).toContain('kaboom');
  });

  it('survives an expired interaction: logs it with the interaction id instead of crashing', async () => {
    const payload = slashPayload(
      definitionOf('pagerank'),
      { command: 'pagerank', options: {} },
      { token: 'gone' },
    );
    fake.expiredTokens.add('gone');
    const requests = await h.send(payload);
    expect(requests[0]?.status).toBe(404);
    const failed = h.logs.find((l) => l.msg === 'answering an interaction failed');
    expect(failed?.interactionId).toBe(payload.id);
    // The bot keeps answering others.
    expect(body(only(await slash('stats'))).type).toBe(4);
  });

  it('answers unknown commands and huge option values with a short ephemeral error', async () => {
    const unknown = only(await h.send(slashPayload(undefined, { command: 'nope', options: {} })));
    expect(body(unknown).type).toBe(4);
    expect(body(unknown).data?.flags).toBe(EPHEMERAL);
    expect(body(unknown).data?.embeds?.[0]?.title).toBe('Unknown command');

    const huge = only(await slash('streamer', undefined, { name: 'x'.repeat(6000) }));
    expect(huge.status).toBe(204);
    expect(body(huge).data?.flags).toBe(EPHEMERAL);
    expect(body(huge).data?.embeds?.[0]?.description).toContain('longer than 100 characters');
  });

  describe('restricted commands', () => {
    it('refuses /monitor add to a member without Manage Server or the admin role, ephemerally', async () => {
      fake.roles.set('1200000000000000003', [{ id: '1200000000000000099', name: 'Graph Keepers' }]);
      const requests = await slash(
        'monitor',
        'add',
        { channel: 'some_channel' },
        { roles: ['1200000000000000077'] },
      );
      // The role is configured by name: its id is read from the server's roles first.
      expect(requests.map((r) => `${r.method} ${r.path}`)[0]).toBe('GET /guilds/1200000000000000003/roles');
      const r = requests[1];
      expect(body(r).type).toBe(4);
      expect(body(r).data?.flags).toBe(EPHEMERAL);
      expect(body(r).data?.embeds?.[0]?.title).toBe('/monitor add is restricted');
      expect(body(r).data?.embeds?.[0]?.description).toContain('Manage Server');
      expect(await graph.monitoredChannels()).toEqual([]);
    });

    it('lets Manage Server, the admin role by name (roles read over REST) and by id through', async () => {
      const manager = await slash(
        'monitor',
        'add',
        { channel: '#First_Channel' },
        { permissions: PermissionFlagsBits.ManageGuild },
      );
      expect(body(only(manager)).data?.embeds?.[0]?.title).toBe('Now monitoring #first_channel');

      fake.roles.set('1200000000000000003', [{ id: '1200000000000000099', name: 'Graph Keepers' }]);
      const byName = await slash(
        'monitor',
        'add',
        { channel: 'second_channel' },
        { roles: ['1200000000000000099'], user: BOB },
      );
      expect(byName.map((r) => r.path)).toEqual([
        '/guilds/1200000000000000003/roles',
        expect.stringMatching(/callback$/),
      ]);
      expect(body(byName[1]).data?.flags ?? 0).toBe(0);
      expect(await graph.monitoredChannels()).toEqual([
        expect.objectContaining({ login: 'first_channel', requestedBy: `discord:${ALICE.id} (alice)` }),
        expect.objectContaining({ login: 'second_channel', requestedBy: `discord:${BOB.id} (bob)` }),
      ]);

      const idHarness = botHarness(fake, graph, { env: { DISCORD_ADMIN_ROLE: '1200000000000000055' } });
      const byId = await idHarness.send(
        slashPayload(
          definitionOf('monitor'),
          { command: 'monitor', subcommand: 'remove', options: { channel: 'first_channel' } },
          { roles: ['1200000000000000055'] },
        ),
      );
      expect(body(only(byId)).data?.embeds?.[0]?.title).toBe('Stopped monitoring #first_channel');
      await idHarness.bot.close();
      await graph.setMonitoredChannel('second_channel', false, 'test');
    });

    it('keeps /monitor list open to everyone, and restricted commands out of direct messages', async () => {
      const list = only(await slash('monitor', 'list'));
      expect(body(list).data?.flags ?? 0).toBe(0);
      const dm = only(await slash('monitor', 'add', { channel: 'some_channel' }, { inGuild: false }));
      expect(body(dm).data?.flags).toBe(EPHEMERAL);
      expect(body(dm).data?.embeds?.[0]?.description).toBe('This command works only in a server.');
    });
  });

  it('holds a user to the cooldown, ephemerally, and lets them in again once it has passed', async () => {
    const c = botHarness(fake, graph, { env: { DISCORD_COOLDOWN_SECONDS: '3' } });
    try {
      const run = () => c.send(slashPayload(definitionOf('stats'), { command: 'stats', options: {} }));
      expect(body(only(await run())).data?.flags ?? 0).toBe(0);
      c.clock.now += 1_000;
      const held = body(only(await run()));
      expect(held.data?.flags).toBe(EPHEMERAL);
      expect(held.data?.embeds?.[0]?.description).toBe('You can run another command in 2 seconds.');
      // Another user is not held back by Alice's cooldown.
      const bob = await c.send(
        slashPayload(definitionOf('stats'), { command: 'stats', options: {} }, { user: BOB }),
      );
      expect(body(only(bob)).data?.flags ?? 0).toBe(0);
      c.clock.now += 2_000;
      expect(body(only(await run())).data?.flags ?? 0).toBe(0);
    } finally {
      await c.bot.close();
    }
  });

  describe('autocomplete', () => {
    const complete = (command: string, focused: string, value: string, sub?: string) =>
      h.send(
        autocompletePayload(
          definitionOf(command),
          { command, ...(sub === undefined ? {} : { subcommand: sub }), options: { [focused]: value } },
          focused,
        ),
      );
    const choices = (r: RecordedRequest) => (body(r).data?.choices ?? []).map((c) => c.value);

    it('answers with type 8: names starting with what was typed first, then names containing it', async () => {
      const names = await graph.listNames('streamer');
      const typed = 'an';
      const prefix = names.filter((n) => n.toLowerCase().startsWith(typed));
      const inside = names.filter(
        (n) => !n.toLowerCase().startsWith(typed) && n.toLowerCase().includes(typed),
      );
      expect(prefix.length).toBeGreaterThan(0);
      expect(inside.length).toBeGreaterThan(0);
      const r = only(await complete('streamer', 'name', 'AN'));
      expect(body(r).type).toBe(8);
      expect(r.status).toBe(204);
      expect(choices(r)).toEqual([...prefix, ...inside].slice(0, 25));
    });

    it('never offers more than 25 choices, and offers games and languages too', async () => {
      const all = only(await complete('streamer', 'name', ''));
      expect(choices(all)).toHaveLength(25);
      const games = only(await complete('streamers', 'game', 'league'));
      expect(choices(games)).toEqual(['League of Legends']);
      const languages = only(await complete('streamers', 'language', 'e'));
      expect(choices(languages)[0]).toBe('en');
    });

    it('answers stale or odd requests with no choices rather than an error', async () => {
      expect(
        choices(
          only(await h.send(autocompletePayload(undefined, { command: 'gone', options: { x: 'a' } }, 'x'))),
        ),
      ).toEqual([]);
      expect(choices(only(await complete('top', 'limit', '1', 'games')))).toEqual([]);
      expect(choices(only(await complete('streamer', 'name', 'q'.repeat(6000))))).toEqual([]);
    });
  });

  describe('pages', () => {
    const buttons = (r: RecordedRequest) => body(r).data?.components?.[0]?.components ?? [];

    it('pages a long list with buttons that only the asker can use, until they expire', async () => {
      const first = only(await slash('top', 'vips', { limit: 50 }));
      const [prev, at, next] = buttons(first);
      expect(prev?.disabled).toBe(true);
      expect(at?.disabled).toBe(true);
      expect(next?.disabled).toBe(false);
      expect(body(first).data?.embeds?.[0]?.footer?.text).toContain('Page 1 of 3');

      const turned = only(await h.send(buttonPayload(next?.custom_id ?? '')));
      expect(body(turned).type).toBe(7);
      expect(body(turned).data?.embeds?.[0]?.footer?.text).toContain('Page 2 of 3');
      // The page's pictures are sent again, replacing the message's files (attachments lists only them).
      expect(turned.files.length).toBeGreaterThan(0);
      expect(body(turned).data?.attachments?.map((a) => a.id)).toEqual(turned.files.map((_, i) => String(i)));
      expect(body(turned).data?.embeds?.[0]?.description).not.toEqual(
        body(first).data?.embeds?.[0]?.description,
      );

      const stranger = only(await h.send(buttonPayload(next?.custom_id ?? '', { user: BOB })));
      expect(body(stranger).type).toBe(4);
      expect(body(stranger).data?.flags).toBe(EPHEMERAL);
      expect(body(stranger).data?.embeds?.[0]?.title).toBe('These pages belong to someone else');

      h.clock.now += 5 * 60_000 + 1;
      const late = only(await h.send(buttonPayload(next?.custom_id ?? '')));
      expect(body(late).data?.flags).toBe(EPHEMERAL);
      expect(body(late).data?.embeds?.[0]?.title).toBe('These pages have expired');
    });

    it('answers buttons it does not know with an ephemeral note', async () => {
      const r = only(await h.send(buttonPayload('someone-elses:button')));
      expect(body(r).type).toBe(4);
      expect(body(r).data?.flags).toBe(EPHEMERAL);
    });
  });

  it('sends pictures as multipart attachments referenced from the embeds', async () => {
    const r = only(await slash('picture'));
    expect(r.multipart).toBe(true);
    expect(r.files.map((f) => [f.field, f.name, f.contentType])).toEqual([
      ['files[0]', 'graph_of_lck_korea.png', 'image/png'],
      ['files[1]', 'bars.png', 'image/png'],
    ]);
    // Drawn by the pipeline, as src/render/ draws the command's pictures.
    const { images } = await drawPictures(PICTURES);
    expect(r.files.map((f) => f.bytes)).toEqual(images.map((i) => i.png));
    expect(body(r).data?.attachments).toEqual([
      expect.objectContaining({ id: '0', description: 'A graph' }),
      expect.objectContaining({ id: '1', description: 'Bars' }),
    ]);
    expect(body(r).data?.embeds?.map((e) => e.image?.url)).toEqual([
      'attachment://graph_of_lck_korea.png',
      'attachment://bars.png',
    ]);
  });
});
