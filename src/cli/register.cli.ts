/** `twitchgraph register [--guild ID | --global] [--dry-run]`: slash commands to Discord, only when changed. */
import type { Command } from 'commander';
import { buildRegistry } from '../commands/registry.js';
import type { CliContext } from './cli-context.js';
import { EXIT } from './cli-context.js';

export interface RegisterCliOptions {
  guild?: string;
  global?: boolean;
  dryRun?: boolean;
}

export async function runRegister(context: CliContext, options: RegisterCliOptions): Promise<number> {
  const { config, io } = context;
  const { token, appId } = config.discord;
  if (token === undefined || appId === undefined) {
    io.err('twitchgraph register: set DISCORD_TOKEN and DISCORD_APP_ID (see docs/discord.md)\n');
    return EXIT.usage;
  }
  if (options.guild !== undefined && options.global === true) {
    io.err('twitchgraph register: give --guild or --global, not both\n');
    return EXIT.usage;
  }
  const guildId = options.global === true ? undefined : (options.guild ?? config.discord.guildId);
  if (guildId !== undefined && !/^\d{17,20}$/.test(guildId)) {
    io.err(`twitchgraph register: "${guildId}" is not a server id (17–20 digits)\n`);
    return EXIT.usage;
  }
  // Loaded here, not at the top: every other subcommand (a cold `ask`) skips discord.js's load.
  const { slashCommandsJson } = await import('../discord/command-json.js');
  const { discordRefusal, registerClient, registerCommands, registerReportText } =
    await import('../discord/register.js');
  const rest = registerClient(config, token);
  try {
    const report = await registerCommands(
      rest,
      { appId, ...(guildId === undefined ? {} : { guildId }) },
      slashCommandsJson(buildRegistry()),
      { dryRun: options.dryRun === true },
    );
    io.out(registerReportText(report, options.dryRun === true));
    if (guildId === undefined && report.sent)
      io.out('Global commands can take a while to show up in every server; use --guild ID while testing.\n');
    return EXIT.ok;
  } catch (error) {
    const refusal = discordRefusal(error);
    if (refusal === undefined) throw error;
    io.err(`twitchgraph register: ${refusal}\n`);
    return EXIT.failed;
  }
}

export function registerRegister(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('register')
    .description('Register the slash commands with Discord (one server with --guild, else global)')
    .option('--guild <id>', 'server (guild) id: commands appear there at once (default DISCORD_GUILD_ID)')
    .option('--global', 'register globally even when DISCORD_GUILD_ID is set')
    .option('--dry-run', 'compare with what Discord has and report, without sending')
    .action(async (options: RegisterCliOptions) => setExit(await runRegister(context(), options)));
}
