/** `twitchgraph bot`: the Discord bot, answering slash commands from the graph until stopped. */
import type { Command } from 'commander';
import type { GraphStore } from '../graph/graph-store.port.js';
import { openEventBus } from '../ingest/bus/open-event-bus.js';
import { startAlertConsumer } from './alerts-wiring.js';
import type { HttpBot } from '../discord/http/http-bot.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';
import { openFrontEndStore } from './shared-store.js';
import { startRoleOps } from './role-ops.js';
import { untilSignal } from './until-signal.js';

/**
 * Live alerts come from the ingest workers over Kafka; the bots share one consumer group, so each alert is
 * posted by one of them (docs/ARCHITECTURE.md, "Live alerts"). The in-process bus has no alerts from other
 * processes to read, and without a token there is nothing to post with.
 */
async function startAlertPosting(context: CliContext, graph: GraphStore): Promise<{ stop(): Promise<void> }> {
  const { config, logger } = context;
  // Loaded here, not at the top: a cold `ask` never loads discord.js.
  const { alertPosterFor } = await import('../discord/alert-poster.js');
  const poster = alertPosterFor(config);
  if (config.kafka.brokers.length === 0 || poster === null) return { stop: () => Promise.resolve() };
  const bus = await openEventBus(config, logger);
  const running = startAlertConsumer({ config, graph, bus, logger, poster });
  return {
    async stop() {
      await running.stop();
      await bus.close();
    },
  };
}

/** `bot --http`: answer on the signed Interactions Endpoint URL; no gateway connection. */
export async function runHttpBot(
  context: CliContext,
  stop: Promise<unknown> = untilSignal(),
): Promise<number> {
  const { config, io, logger } = context;
  if (config.discord.publicKey === undefined) {
    io.err(
      "twitchgraph bot --http: set DISCORD_PUBLIC_KEY (the application's public key, 64 hex digits); see docs/discord.md.\n",
    );
    return EXIT.usage;
  }
  const role = config.discord.adminRole;
  if (role !== undefined && !/^\d{17,20}$/.test(role) && config.discord.token === undefined) {
    io.err(
      'twitchgraph bot --http: DISCORD_ADMIN_ROLE is a role name; give its id, or set DISCORD_TOKEN so the roles can be read.\n',
    );
    return EXIT.usage;
  }
  const graph = await openFrontEndStore(context, 'twitchgraph bot');
  let bot: HttpBot;
  try {
    // discord.js loads only for the commands that talk to Discord (a cold `ask` skips its 0.5 s load).
    const { startHttpBot } = await import('../discord/http/http-bot.js');
    bot = await startHttpBot({ config, graph, logger });
  } catch (error) {
    await graph.close();
    io.err(
      `twitchgraph bot --http: cannot serve on ${config.http.host}:${config.discord.httpPort}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return EXIT.failed;
  }
  const ops = await startRoleOps(context, 'bot', { graph });
  const alerts = await startAlertPosting(context, graph);
  try {
    io.err(
      `twitchgraph bot is answering interactions at ${bot.endpoint.url} (put HTTPS in front; docs/discord.md); Ctrl-C stops it.\n`,
    );
    await stop;
    return EXIT.ok;
  } finally {
    await alerts.stop();
    await ops?.close();
    await bot.close();
    await graph.close();
  }
}

export async function runBot(context: CliContext, stop: Promise<unknown> = untilSignal()): Promise<number> {
  const { config, io, logger } = context;
  if (config.discord.token === undefined) {
    io.err(
      'twitchgraph bot: set DISCORD_TOKEN (and DISCORD_APP_ID) first; see docs/discord.md.\n' +
        'Without Discord, `twitchgraph serve` shows the same answers in a local page.\n',
    );
    return EXIT.usage;
  }
  const graph = await openFrontEndStore(context, 'twitchgraph bot');
  const { createBot } = await import('../discord/bot.js');
  const bot = createBot({ config, graph, logger });
  const ops = await startRoleOps(context, 'bot', { graph });
  const alerts = await startAlertPosting(context, graph);
  try {
    try {
      await bot.login();
    } catch (error) {
      io.err(
        `twitchgraph bot: could not connect to Discord: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return EXIT.failed;
    }
    io.err('twitchgraph bot is answering slash commands; Ctrl-C stops it.\n');
    await stop;
    return EXIT.ok;
  } finally {
    await alerts.stop();
    await ops?.close();
    await bot.close();
    await graph.close();
  }
}

export function registerBot(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('bot')
    .description('Run the Discord bot (needs DISCORD_TOKEN; register the commands first with `register`)')
    .option(
      '--http',
      'answer on a signed Interactions Endpoint URL (DISCORD_PUBLIC_KEY, DISCORD_HTTP_PORT) instead of the gateway',
    )
    .action(async (options: { http?: boolean }) =>
      setExit(await (options.http === true ? runHttpBot(context()) : runBot(context()))),
    );
}
