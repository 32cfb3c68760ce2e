/** Every command, by name. The Discord bot, the playground and the `ask` CLI dispatch this same map. */
import { betweennessCommand, pagerankCommand } from './centrality.command.js';
import type { Command } from './command.js';
import { communitiesCommand } from './communities.command.js';
import { helpCommand } from './help.command.js';
import { overlapCommand } from './overlap.command.js';
import { vipCandidatesCommand } from './vip-candidates.command.js';
import { monitorCommand } from './monitor.command.js';
import { alertsCommand } from './alerts.command.js';
import { statsCommand } from './stats.command.js';
import { streamerCommand } from './streamer.command.js';
import { streamersCommand } from './streamers.command.js';
import { topCommand } from './top.command.js';

// Each command keeps its own argument type; the registry only needs to pass validated args back to it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCommand = Command<any>;

export function buildRegistry(commands: readonly AnyCommand[] = DEFAULT_COMMANDS): Map<string, AnyCommand> {
  const registry = new Map<string, AnyCommand>();
  for (const command of commands) {
    if (registry.has(command.definition.name))
      throw new Error(`command /${command.definition.name} is defined twice`);
    registry.set(command.definition.name, command);
  }
  return registry;
}

export const DEFAULT_COMMANDS: readonly AnyCommand[] = [
  topCommand,
  streamerCommand,
  streamersCommand,
  statsCommand,
  pagerankCommand,
  betweennessCommand,
  vipCandidatesCommand,
  overlapCommand,
  communitiesCommand,
  monitorCommand,
  alertsCommand,
  helpCommand,
];
