/**
 * The Discord gateway client: logs in with `DISCORD_TOKEN` and hands every interaction to the pipeline.
 * Slash commands need no privileged intents; `Guilds` keeps servers and their roles cached, so an admin
 * role given by name is resolved without a REST call.
 */
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { buildRegistry } from '../commands/registry.js';
import type { AnyCommand } from '../commands/registry.js';
import type { Config } from '../config.js';
import type { CommandGraph } from '../commands/command.js';
import type { Logger } from '../logging.js';
import type { InteractionPipelineOptions } from './interaction-pipeline.js';
import { InteractionPipeline } from './interaction-pipeline.js';
import { BotDetector } from '../insights/bot-detector.js';
import { PermissionGate } from './permissions.js';
import { fromDiscordJs } from './gateway-interaction.js';

export interface BotOptions {
  config: Config;
  graph: CommandGraph;
  logger: Logger;
  registry?: ReadonlyMap<string, AnyCommand>;
  /** Pipeline settings that configuration does not cover (tests, benchmarks). */
  pipeline?: Partial<InteractionPipelineOptions>;
}

export interface Bot {
  client: Client;
  pipeline: InteractionPipeline;
  /** Connect to the gateway; resolves when the client is ready. */
  login(): Promise<void>;
  /** Wait for interactions being answered, then disconnect. */
  close(): Promise<void>;
}

/** discord.js REST settings from configuration (`DISCORD_API_URL` points tests at a local server). */
export function restOptions(config: Config): { api?: string } {
  return config.discord.apiUrl === undefined ? {} : { api: config.discord.apiUrl };
}

/** The one pipeline both the gateway bot and the HTTP endpoint answer with, set up from configuration. */
export function createPipeline(
  options: Omit<BotOptions, 'logger'> & { logger: Logger },
): InteractionPipeline {
  const { config, graph, logger } = options;
  return new InteractionPipeline({
    registry: options.registry ?? buildRegistry(),
    graph,
    logger,
    permissions: new PermissionGate(
      config.discord.adminRole === undefined ? {} : { adminRole: config.discord.adminRole },
    ),
    bots: new BotDetector(graph, { extraLogins: config.bots.extraLogins }),
    cooldownMs: config.discord.cooldownSeconds * 1000,
    pagesTtlMs: config.discord.pagesTtlSeconds * 1000,
    ...options.pipeline,
  });
}

export function createBot(options: BotOptions): Bot {
  const { config, logger } = options;
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: restOptions(config) });
  const pipeline = createPipeline(options);
  client.on(Events.InteractionCreate, (interaction) => {
    const adapted = fromDiscordJs(interaction);
    if (adapted !== null) void pipeline.handle(adapted);
  });
  client.on(Events.Error, (error) => logger.error({ err: error }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn(message));

  return {
    client,
    pipeline,
    async login() {
      const token = config.discord.token;
      if (token === undefined) throw new Error('DISCORD_TOKEN is not set');
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(token);
      await ready;
      logger.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord bot is ready');
    },
    async close() {
      await pipeline.settled();
      await client.destroy();
    },
  };
}
