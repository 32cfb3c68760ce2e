import { z } from 'zod';
import { defineCommand } from './command.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { usageLines } from './usage.js';

export const helpCommand = defineCommand({
  definition: { name: 'help', description: 'What each command answers and how to call it' },
  args: z.object({}),
  async run(): Promise<Reply> {
    // Imported lazily: the registry imports this module.
    const { DEFAULT_COMMANDS } = await import('./registry.js');
    // Text fields, one per command: a two-column table of usages is too wide for an embed and would be
    // sent as a picture, which cannot be copied from and cuts long lines.
    const fields = DEFAULT_COMMANDS.map((command) => {
      const [first = `/${command.definition.name}`, ...more] = usageLines(command.definition);
      return { name: first, value: [command.definition.description, ...more].join('\n') };
    });
    return reply({
      title: 'twitchgraph commands',
      description: 'Questions about who chats, moderates and holds VIP badges in which Twitch channel.',
      fields,
      data: DEFAULT_COMMANDS.map((c) => c.definition),
    });
  },
});
