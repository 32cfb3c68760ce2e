/**
 * `twitchgraph bot --http`: the same commands, answered on the Interactions Endpoint URL instead of the
 * gateway. Needs DISCORD_PUBLIC_KEY; DISCORD_TOKEN only when DISCORD_ADMIN_ROLE is a role name.
 */
import type { BotOptions } from '../bot.js';
import { createPipeline } from '../bot.js';
import type { InteractionPipeline } from '../interaction-pipeline.js';
import type { InteractionsEndpoint } from './interactions-server.js';
import { startInteractionsEndpoint } from './interactions-server.js';
import { ed25519PublicKey } from './signature.js';

export interface HttpBot {
  pipeline: InteractionPipeline;
  endpoint: InteractionsEndpoint;
  /** Wait for the interactions being answered, then stop serving. */
  close(): Promise<void>;
}

export async function startHttpBot(
  options: BotOptions & { port?: number; host?: string; now?: () => number },
): Promise<HttpBot> {
  const { config, logger } = options;
  const publicKey = config.discord.publicKey;
  if (publicKey === undefined) throw new Error('DISCORD_PUBLIC_KEY is not set');
  const pipeline = createPipeline(options);
  const endpoint = await startInteractionsEndpoint({
    pipeline,
    publicKey: ed25519PublicKey(publicKey),
    logger,
    ...(config.discord.apiUrl === undefined ? {} : { apiUrl: config.discord.apiUrl }),
    ...(config.discord.token === undefined ? {} : { botToken: config.discord.token }),
    ...(options.now === undefined ? {} : { now: options.now }),
    host: options.host ?? config.http.host,
    port: options.port ?? config.discord.httpPort,
  });
  return {
    pipeline,
    endpoint,
    async close() {
      await pipeline.settled();
      await endpoint.close();
    },
  };
}
