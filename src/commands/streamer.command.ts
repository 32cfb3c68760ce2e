import { z } from 'zod';
import { defineCommand, nameArg } from './command.js';
import { emptyGraphNote } from './empty-graph.js';
import { formatCount, formatDate, formatList } from './format.js';
import type { Reply } from './reply.js';
import { errorReply, reply } from './reply.js';

/** Chatters listed in the reply and drawn in its picture. */
export const STREAMER_CHATTER_LIMIT = 25;

export const streamerCommand = defineCommand({
  definition: {
    name: 'streamer',
    description: "One streamer's neighbourhood: game, language, teams, VIPs, moderators, chatters",
    options: [
      {
        name: 'name',
        description: 'Login or display name',
        type: 'string',
        required: true,
        maxLength: 100,
        autocomplete: 'streamer',
      },
    ],
  },
  args: z.object({ name: nameArg('name') }),
  async run(args, { graph }): Promise<Reply> {
    const found = await graph.findStreamer(args.name);
    if (found === null) {
      const empty = await emptyGraphNote(graph);
      return errorReply('Streamer not found', `No streamer called "${args.name}".`, [
        empty ?? 'Use `/streamers` to list them; names are matched by login or display name.',
      ]);
    }
    const hood = await graph.neighbourhood(found.id, { chatterLimit: STREAMER_CHATTER_LIMIT });
    if (hood === null) return errorReply('Streamer not found', `"${args.name}" disappeared while reading.`);
    const s = hood.streamer;
    const chatters = hood.chatters.map((c) =>
      c.messages === null ? c.login : `${c.login} (${formatCount(c.messages)})`,
    );
    return reply({
      title: `${s.displayName} (${s.login})`,
      url: s.url,
      description: s.description === '' ? undefined : s.description,
      fields: [
        { name: 'Game', value: s.game ?? 'unknown', inline: true },
        { name: 'Language', value: s.language ?? 'unknown', inline: true },
        { name: 'Teams', value: formatList(s.teams, 10), inline: true },
        { name: 'Followers', value: formatCount(s.followers), inline: true },
        { name: 'Total views', value: formatCount(s.totalViewCount), inline: true },
        { name: 'Created', value: formatDate(s.createdAt), inline: true },
        { name: `VIPs (${formatCount(hood.vips.length)})`, value: formatList(hood.vips, 20) },
        {
          name: `Moderators (${formatCount(hood.moderators.length)})`,
          value: formatList(hood.moderators, 20),
        },
        {
          name: `Chatters (${formatCount(hood.chatterCount)})`,
          value:
            hood.chatterCount === 0
              ? 'none'
              : formatList(chatters, STREAMER_CHATTER_LIMIT) +
                (hood.chatterCount > chatters.length ? ` … of ${formatCount(hood.chatterCount)}` : ''),
        },
      ],
      data: {
        streamer: s,
        vips: hood.vips,
        moderators: hood.moderators,
        chatters: hood.chatters,
        chatterCount: hood.chatterCount,
        view: hood.view,
      },
    });
  },
});
