/**
 * A bot wired as in production (`createBot`: discord.js Client → interactionCreate → pipeline) against
 * the local fake Discord, with the demo graph, a settable clock and captured logs.
 */
import { pino } from 'pino';
import { buildRegistry } from '../../src/commands/registry.js';
import type { AnyCommand } from '../../src/commands/registry.js';
import { loadConfig } from '../../src/config.js';
import type { Bot } from '../../src/discord/bot.js';
import { createBot } from '../../src/discord/bot.js';
import type { InteractionPipelineOptions } from '../../src/discord/interaction-pipeline.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import type { APIInteraction } from 'discord.js';
import { deliver } from './discord-interactions.js';
import type { FakeDiscord, RecordedRequest } from './fake-discord.js';

export interface Harness {
  bot: Bot;
  logs: Record<string, unknown>[];
  clock: { now: number };
  /** Deliver a payload through the client's gateway path and wait until the bot has answered it. */
  send(raw: APIInteraction): Promise<RecordedRequest[]>;
}

export function botHarness(
  fake: FakeDiscord,
  graph: GraphStore,
  options: {
    env?: Record<string, string>;
    commands?: readonly AnyCommand[];
    pipeline?: Partial<InteractionPipelineOptions>;
    /** Captured log level (default debug; benchmarks pass silent). */
    logLevel?: string;
  } = {},
): Harness {
  const logs: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const clock = { now: Date.parse('2026-01-01T12:00:00Z') };
  const config = loadConfig({
    env: {
      DISCORD_TOKEN: 'test-bot-token',
      DISCORD_APP_ID: '1200000000000000001',
      DISCORD_API_URL: fake.url,
      ...options.env,
    },
    dotenv: false,
  });
  const bot = createBot({
    config,
    graph,
    logger,
    ...(options.commands === undefined ? {} : { registry: buildRegistry(options.commands) }),
    pipeline: { now: () => clock.now, ...options.pipeline },
  });
  // `login()` would set the token and open the gateway; the REST half is all these tests need.
  bot.client.rest.setToken('test-bot-token');
  return {
    bot,
    logs,
    clock,
    async send(raw) {
      const before = fake.requests.length;
      deliver(bot.client, raw);
      await bot.pipeline.settled();
      return fake.requests.slice(before);
    },
  };
}
