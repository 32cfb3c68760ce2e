/**
 * `bot --http` end to end: the local fake Discord signs real payloads with the application's Ed25519 key
 * and POSTs them to the Interactions Endpoint URL over HTTP; the endpoint answers in the HTTP response and,
 * for slow answers and pictures, over REST to the same fake Discord. Refused requests are checked by what
 * they could have caused: no REST traffic, no change in the graph.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PermissionFlagsBits } from 'discord.js';
import { pino } from 'pino';
import { z } from 'zod';
import type { CommandDefinition, Invocation, OptionDefinition } from '../../src/commands/command.js';
import { defineCommand } from '../../src/commands/command.js';
import { buildRegistry, DEFAULT_COMMANDS } from '../../src/commands/registry.js';
import { reply } from '../../src/reply/reply.js';
import { loadConfig } from '../../src/config.js';
import type { HttpBot } from '../../src/discord/http/http-bot.js';
import { startHttpBot } from '../../src/discord/http/http-bot.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { runCli } from '../support/cli-harness.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import {
  APP_ID,
  autocompletePayload,
  BOB,
  buttonPayload,
  slashPayload,
} from '../support/discord-interactions.js';
import type { PostInteractionOptions } from '../support/fake-discord.js';
import { FakeDiscord } from '../support/fake-discord.js';

const EPHEMERAL = 64;
const admin = { permissions: PermissionFlagsBits.ManageGuild };

interface Message {
  flags?: number;
  embeds?: { title?: string; description?: string; footer?: { text: string }; image?: { url: string } }[];
  components?: { components: { custom_id: string; disabled?: boolean }[] }[];
  choices?: { name: string; value: string }[];
  attachments?: { id: number; filename: string }[];
}
interface Response {
  type: number;
  data?: Message;
}

const pictureCommand = defineCommand({
  definition: { name: 'picture', description: 'A reply with a picture' },
  args: z.object({}),
  run: () =>
    Promise.resolve(
      reply({
        title: 'Pictures',
        pictures: [
          {
            kind: 'chart',
            name: 'bars.png',
            description: 'Bars',
            input: { title: 'Bars', rows: [{ label: 'a', value: 2 }] },
            layout: { width: 200 },
          },
        ],
      }),
    ),
});

let release: () => void = () => undefined;
const sleepyCommand = defineCommand({
  definition: { name: 'sleepy', description: 'Answers when the test says so' },
  args: z.object({}),
  async run() {
    await new Promise<void>((resolve) => (release = resolve));
    return reply({ title: 'Finally awake', description: 'zzz' });
  },
});
const explodeCommand = defineCommand({
  definition: { name: 'explode', description: 'Always fails', slow: true },
  args: z.object({}),
  run: () => Promise.reject(new Error('kaboom')),
});

/** Each (sub)command with its required options filled from the graph, and with the largest limits. */
async function invocationsFor(definition: CommandDefinition, graph: GraphStore): Promise<Invocation[]> {
  const value = async (option: OptionDefinition, large: boolean): Promise<string | number | boolean> => {
    if (option.type === 'integer') return large ? (option.maxValue ?? 50) : (option.minValue ?? 1);
    if (option.type === 'boolean') return false;
    if (option.choices !== undefined) return option.choices[0]?.value ?? '';
    if (option.autocomplete !== undefined) return (await graph.listNames(option.autocomplete))[0] ?? 'x';
    return 'some_channel';
  };
  const forOptions = async (options: readonly OptionDefinition[], subcommand?: string) => {
    const base = { command: definition.name, ...(subcommand === undefined ? {} : { subcommand }) };
    const required: Invocation['options'] = {};
    const large: Invocation['options'] = {};
    for (const option of options) {
      if (option.required === true) required[option.name] = await value(option, false);
      if (option.required === true || option.type === 'integer')
        large[option.name] = await value(option, true);
    }
    return [
      { ...base, options: required },
      { ...base, options: large },
    ];
  };
  if (definition.subcommands === undefined) return forOptions(definition.options ?? []);
  return (await Promise.all(definition.subcommands.map((s) => forOptions(s.options, s.name)))).flat();
}

describe('Discord interactions over HTTP (signed endpoint)', () => {
  let fake: FakeDiscord;
  let graph: GraphStore;
  let bot: HttpBot;
  const registry = buildRegistry();
  const monitored = async () => (await graph.monitoredChannels()).map((c) => c.login);

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
    const config = loadConfig({
      env: {
        DISCORD_APP_ID: APP_ID,
        DISCORD_PUBLIC_KEY: fake.publicKeyHex,
        DISCORD_API_URL: fake.url,
        DISCORD_COOLDOWN_SECONDS: '0',
      },
      dotenv: false,
    });
    bot = await startHttpBot({
      config,
      graph,
      logger: pino({ level: 'silent' }),
      registry: buildRegistry([...DEFAULT_COMMANDS, pictureCommand]),
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await bot.close();
    await graph.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  /** Post one payload; resolves once the answer, including any REST edits, is complete. */
  async function post(payload: unknown, options: PostInteractionOptions = {}) {
    const posted = await fake.postInteraction(bot.endpoint.url, payload, options);
    await bot.pipeline.settled();
    return posted;
  }

  /** The message a command ended up showing: the HTTP response's, or the edit of `@original`. */
  function finalMessage(posted: { body: unknown }, token: string): Message | undefined {
    const response = posted.body as Response;
    if (response.type === 4 || response.type === 7) return response.data;
    // After 5 (or 6 for a button) the message is the last edit of `@original`.
    const edits = fake.find('PATCH', new RegExp(`^/webhooks/${APP_ID}/${token}/messages/@original$`));
    return edits.at(-1)?.body as Message | undefined;
  }

  it('answers PING with PONG, and nothing else happens', async () => {
    const posted = await post({ type: 1, id: '1300000000000000001', application_id: APP_ID });
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ type: 1 });
    expect(fake.requests).toEqual([]);
  });

  it('answers every command of the registry, turning every page, with messages Discord accepts', async () => {
    const seen: string[] = [];
    for (const command of registry.values()) {
      for (const invocation of await invocationsFor(command.definition, graph)) {
        const label = `/${invocation.command} ${invocation.subcommand ?? ''}`;
        const payload = slashPayload(command.definition, invocation, admin);
        const posted = await post(payload);
        expect(posted.status, label).toBe(200);
        const type = (posted.body as Response).type;
        // Slow commands are deferred at once, answers with pictures too; the answer is then an edit of
        // `@original`.
        if (command.definition.slow === true) expect(type, label).toBe(5);
        else expect([4, 5], label).toContain(type);
        const message = finalMessage(posted, payload.token);
        expect(message?.embeds?.[0]?.title, label).toBeTruthy();
        for (const r of fake.requests) {
          expect(r.problems, label).toEqual([]);
          expect(r.status, label).toBeLessThan(300);
        }
        let next = message?.components?.[0]?.components[2];
        while (next !== undefined && next.disabled !== true) {
          const click = buttonPayload(next.custom_id, admin);
          const turned = await post(click);
          // 7 UPDATE_MESSAGE, or 6 and an edit of the message when the page has pictures.
          expect([6, 7], label).toContain((turned.body as Response).type);
          expect(turned.response?.problems, label).toEqual([]);
          next = finalMessage(turned, click.token)?.components?.[0]?.components[2];
          seen.push(`${label} page`);
        }
        seen.push(label);
        fake.reset();
      }
    }
    for (const [name, command] of registry)
      for (const sub of command.definition.subcommands?.map((s) => s.name) ?? [''])
        expect(seen).toContain(`/${name} ${sub}`);
    // At least one answer had pages, so the buttons were exercised.
    expect(seen.some((l) => l.endsWith('page'))).toBe(true);
  });

  it('turns a page (type 7 UPDATE_MESSAGE, or 6 and an edit): page 2 of the same answer', async () => {
    const top = registry.get('top')?.definition;
    const payload = slashPayload(top, { command: 'top', subcommand: 'teams', options: { limit: 50 } }, admin);
    const first = finalMessage(await post(payload), payload.token);
    const next = first?.components?.[0]?.components[2];
    expect(next?.disabled).not.toBe(true);
    const click = buttonPayload(next?.custom_id ?? '', admin);
    const turned = await post(click);
    // 7 UPDATE_MESSAGE; a page with pictures is 6 and an edit of the message the button is on.
    expect([6, 7]).toContain((turned.body as Response).type);
    expect(finalMessage(turned, click.token)?.embeds?.[0]?.footer?.text).toMatch(/Page 2 of \d+/);
    // Someone else's click is refused, privately.
    const other = (await post(buttonPayload(next?.custom_id ?? '', { user: BOB }))).body as Response;
    expect(other.type).toBe(4);
    expect(other.data?.flags).toBe(EPHEMERAL);
  });

  it('sends pictures as a deferral, then a multipart edit of @original', async () => {
    const payload = slashPayload(pictureCommand.definition, { command: 'picture', options: {} });
    const posted = await post(payload);
    expect((posted.body as Response).type).toBe(5);
    const [edit] = fake.find(
      'PATCH',
      new RegExp(`^/webhooks/${APP_ID}/${payload.token}/messages/@original$`),
    );
    expect(edit?.multipart).toBe(true);
    expect(edit?.files.map((f) => `${f.field} ${f.name}`)).toEqual(['files[0] bars.png']);
    expect(edit?.problems).toEqual([]);
    expect((edit?.body as Message).embeds?.[0]?.image?.url).toBe('attachment://bars.png');
  });

  it('answers autocomplete with type 8 and matching names', async () => {
    const streamer = registry.get('streamer')?.definition;
    const [name] = await graph.listNames('streamer');
    const prefix = (name ?? 'a').slice(0, 2);
    const posted = await post(
      autocompletePayload(streamer, { command: 'streamer', options: { name: prefix } }, 'name'),
    );
    const response = posted.body as Response;
    expect(response.type).toBe(8);
    expect(response.data?.choices?.length).toBeGreaterThan(0);
    expect(response.data?.choices?.[0]?.name.toLowerCase().startsWith(prefix.toLowerCase())).toBe(true);
    expect(posted.response?.problems).toEqual([]);
  });

  it('refuses a restricted command without permission, privately, and changes nothing', async () => {
    const monitor = registry.get('monitor')?.definition;
    const before = await monitored();
    const posted = await post(
      slashPayload(monitor, { command: 'monitor', subcommand: 'add', options: { channel: 'newchannel' } }),
    );
    const response = posted.body as Response;
    expect(response.type).toBe(4);
    expect(response.data?.flags).toBe(EPHEMERAL);
    expect(response.data?.embeds?.[0]?.title).toMatch(/restricted/);
    expect(await monitored()).toEqual(before);
  });

  describe('refuses requests Discord did not sign, running nothing', () => {
    const monitorAdd = () =>
      slashPayload(
        registry.get('monitor')?.definition,
        { command: 'monitor', subcommand: 'add', options: { channel: 'forgedchannel' } },
        admin,
      );
    const now = () => Math.floor(Date.now() / 1000);
    const cases: [string, number, () => PostInteractionOptions][] = [
      ['signed with another key', 401, () => ({ key: generateKeyPairSync('ed25519').privateKey })],
      [
        'body changed after signing',
        401,
        () => ({ tamper: (b) => b.replace('forgedchannel', 'forgedchanneX') }),
      ],
      ['timestamp 6 minutes old', 401, () => ({ timestamp: now() - 360 })],
      ['timestamp 6 minutes ahead', 401, () => ({ timestamp: now() + 360 })],
      ['no signature headers', 401, () => ({ unsigned: true })],
      [
        'a body over 64 KiB',
        413,
        () => ({ tamper: (b) => b.replace('"version":1', `"pad":"${'x'.repeat(70_000)}","version":1`) }),
      ],
    ];
    for (const [what, status, options] of cases) {
      it(`${what} → ${status}`, async () => {
        const before = await monitored();
        const posted = await post(monitorAdd(), options());
        expect(posted.status).toBe(status);
        expect(fake.requests).toEqual([]);
        expect(await monitored()).toEqual(before);
        expect(before).not.toContain('forgedchannel');
      });
    }

    it('a chunked body (no Content-Length) is cut off at 64 KiB → 413', async () => {
      const before = await monitored();
      const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
      let sent = 0;
      // 1 MiB offered in 16 KiB chunks; the endpoint must stop reading long before the end.
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= 64) controller.close();
          else {
            sent += 1;
            controller.enqueue(chunk);
          }
        },
      });
      const res = await fetch(bot.endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-signature-ed25519': 'ab'.repeat(64),
          'x-signature-timestamp': String(now()),
        },
        body,
        duplex: 'half',
      });
      expect(res.status).toBe(413);
      await res.body?.cancel();
      expect(fake.requests).toEqual([]);
      expect(await monitored()).toEqual(before);
    });

    it('the same request, properly signed, does run (the refusals above are the signature’s doing)', async () => {
      const posted = await post(monitorAdd());
      expect(posted.status).toBe(200);
      expect(await monitored()).toContain('forgedchannel');
    });

    it('a signed body that is not an interaction → 400', async () => {
      const posted = await post({}, { rawBody: '{"type":2,"id":"x"}' });
      expect(posted.status).toBe(400);
      expect(fake.requests).toEqual([]);
    });
  });
});

describe('Discord interactions over HTTP: answers that take more than one message', () => {
  let fake: FakeDiscord;
  let graph: GraphStore;
  let bot: HttpBot;

  beforeAll(async () => {
    fake = await FakeDiscord.start();
    graph = EmbeddedGraphStore.inMemory();
    const config = loadConfig({
      env: { DISCORD_APP_ID: APP_ID, DISCORD_PUBLIC_KEY: fake.publicKeyHex, DISCORD_API_URL: fake.url },
      dotenv: false,
    });
    bot = await startHttpBot({
      config,
      graph,
      logger: pino({ level: 'silent' }),
      registry: buildRegistry([sleepyCommand, explodeCommand]),
      // Short, so the test does not wait 1.5 s for the deferral; a cooldown that outlasts the tests.
      pipeline: { deferAfterMs: 50, cooldownMs: 60_000 },
      host: '127.0.0.1',
      port: 0,
    });
  });
  afterAll(async () => {
    await bot.close();
    await graph.close();
    await fake.close();
  });

  it('defers a command still running after deferAfterMs (type 5 in the HTTP response), then edits @original', async () => {
    const payload = slashPayload(sleepyCommand.definition, { command: 'sleepy', options: {} });
    const posted = await fake.postInteraction(bot.endpoint.url, payload);
    // The HTTP response came back while the command was still waiting.
    expect(posted.body).toEqual({ type: 5 });
    expect(fake.find('PATCH', /@original$/)).toEqual([]);
    release();
    const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.path.includes(payload.token));
    await bot.pipeline.settled();
    expect(edit.path).toBe(`/webhooks/${APP_ID}/${payload.token}/messages/@original`);
    expect((edit.body as Message).embeds?.[0]?.title).toBe('Finally awake');
    expect(edit.problems).toEqual([]);
  });

  it('after a deferral, an ephemeral error is a follow-up, and the "thinking…" message is deleted', async () => {
    const payload = slashPayload(
      explodeCommand.definition,
      { command: 'explode', options: {} },
      { user: BOB },
    );
    const posted = await fake.postInteraction(bot.endpoint.url, payload);
    await bot.pipeline.settled();
    expect(posted.body).toEqual({ type: 5 });
    const rest = fake.requests.filter((r) => r.path.includes(payload.token) && !r.path.endsWith('/callback'));
    expect(rest.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /webhooks/${APP_ID}/${payload.token}`,
      `DELETE /webhooks/${APP_ID}/${payload.token}/messages/@original`,
    ]);
    const followUp = rest[0]?.body as Message;
    expect(followUp.flags).toBe(EPHEMERAL);
    expect(followUp.embeds?.[0]?.title).toBe('/explode failed');
  });

  it('keeps the per-user cooldown: a second command too soon gets an ephemeral "One moment"', async () => {
    // ALICE ran /sleepy above.
    const posted = await fake.postInteraction(
      bot.endpoint.url,
      slashPayload(sleepyCommand.definition, { command: 'sleepy', options: {} }),
    );
    const response = posted.body as Response;
    expect(response.type).toBe(4);
    expect(response.data?.flags).toBe(EPHEMERAL);
    expect(response.data?.embeds?.[0]?.title).toBe('One moment');
  });
});

describe('`twitchgraph bot --http` configuration', () => {
  it('says in one line which variable to set when DISCORD_PUBLIC_KEY is missing', async () => {
    const result = await runCli(['bot', '--http'], {});
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toContain('set DISCORD_PUBLIC_KEY');
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it('asks for DISCORD_TOKEN or a role id when DISCORD_ADMIN_ROLE is a role name', async () => {
    const result = await runCli(['bot', '--http'], {
      DISCORD_PUBLIC_KEY: 'ab'.repeat(32),
      DISCORD_ADMIN_ROLE: 'Graph Keepers',
    });
    expect(result.code).toBe(2);
    expect(result.err.trim().split('\n')).toHaveLength(1);
    expect(result.err).toContain('DISCORD_ADMIN_ROLE');
  });

  it('names DISCORD_PUBLIC_KEY when it is not a key', async () => {
    const result = await runCli(['bot', '--http'], { DISCORD_PUBLIC_KEY: 'not-a-key' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('DISCORD_PUBLIC_KEY: expected the application');
  });
});
