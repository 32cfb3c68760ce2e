import { z } from 'zod';
import { defineCommand } from './command.js';
import type { Reply } from './reply.js';
import { reply } from './reply.js';
import { usageLines } from './usage.js';

export const helpCommand = defineCommand({
  definition: { name: 'help', description: 'What each command answers and how to call it' },
  args: z.object({}),
  async run(): Promise<Reply> {
    // Imported lazily: the registry imports this module.
    const { DEFAULT_COMMANDS } = await import('./registry.js');
    const rows = DEFAULT_COMMANDS.flatMap((command) =>
      usageLines(command.definition).map((usage, i) => [
        usage,
        i === 0 ? command.definition.description : '',
      ]),
    );
    return reply({
      title: 'twitchgraph commands',
      description: 'Questions about who chats, moderates and holds VIP badges in which Twitch channel.',
      table: { columns: [{ header: 'Command' }, { header: 'What it answers' }], rows },
      data: DEFAULT_COMMANDS.map((c) => c.definition),
    });
  },
});
