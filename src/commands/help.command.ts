import { z } from 'zod';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { defineCommand } from './command.js';
import { usageLines } from './usage.js';

export const helpCommand = defineCommand({
  definition: { name: 'help', description: 'What each command answers and how to call it' },
  args: z.object({}),
  run(_args, ports): Promise<Reply> {
    // The dispatcher hands over the registry it runs in, so /help lists what this front end answers.
    const commands = ports.commands ?? [];
    // Text fields, one per command: a two-column table of usages is too wide for an embed and would be
    // sent as a picture, which cannot be copied from and cuts long lines.
    const fields = commands.map((definition) => {
      const [first = `/${definition.name}`, ...more] = usageLines(definition);
      return { name: first, value: [definition.description, ...more].join('\n') };
    });
    return Promise.resolve(
      reply({
        title: 'twitchgraph commands',
        description: 'Questions about who chats, moderates and holds VIP badges in which Twitch channel.',
        fields,
        data: commands,
      }),
    );
  },
});
