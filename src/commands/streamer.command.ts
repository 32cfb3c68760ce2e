import { z } from 'zod';
import { drawReplyImages, imageName, weighView } from '../render/reply-images.js';
import { botsOf, defineCommand, nameArg } from './command.js';
import { emptyGraphNote } from './empty-graph.js';
import { formatCount, formatDate, formatList } from './format.js';
import type { Reply } from './reply.js';
import { errorReply, reply } from './reply.js';

/** Chatters listed in the reply. */
export const STREAMER_CHATTER_LIMIT = 25;
/** Chatters drawn in the reply's picture (most messages first); the picture says how many more there are. */
export const STREAMER_PICTURE_CHATTERS = 100;

const counted = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

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
  async run(args, ports): Promise<Reply> {
    const { graph } = ports;
    const found = await graph.findStreamer(args.name);
    if (found === null) {
      const empty = await emptyGraphNote(graph);
      return errorReply('Streamer not found', `No streamer called "${args.name}".`, [
        empty ?? 'Use `/streamers` to list them; names are matched by login or display name.',
      ]);
    }
    const hood = await graph.neighbourhood(found.id, {
      chatterLimit: Math.max(STREAMER_CHATTER_LIMIT, STREAMER_PICTURE_CHATTERS),
    });
    if (hood === null) return errorReply('Streamer not found', `"${args.name}" disappeared while reading.`);
    const s = hood.streamer;
    const listed = hood.chatters.slice(0, STREAMER_CHATTER_LIMIT);
    const chatters = listed.map((c) =>
      c.messages === null ? c.login : `${c.login} (${formatCount(c.messages)})`,
    );
    // View ids are `<kind>:<name>`; the streamer is the view's one Stream node named by its login.
    const center =
      hood.view.nodes.find((n) => n.id === `Stream:${s.login}`) ??
      hood.view.nodes.find((n) => n.kind === 'Stream');
    const drawnChatters = hood.chatters.length;
    // Every flagged account in the channel's audience, not only those drawn: bots with no message counts
    // sort among the quiet chatters, far below the ones shown.
    const bots = await botsOf(ports).logins();
    const botsHere = await graph.presentIn(found.id, bots);
    const { images, notes } = await drawReplyImages(
      [
        {
          what: 'graph',
          name: imageName('streamer', s.login === '' ? s.id : s.login),
          description:
            `Graph of ${s.displayName}'s channel: its game, language and teams, ` +
            `${counted(hood.vips.length, 'VIP')}, ${counted(hood.moderators.length, 'moderator')} and ` +
            `${formatCount(drawnChatters)} of ${counted(hood.chatterCount, 'chatter')}.`,
          input: {
            title: `${s.displayName} (${s.login})`,
            // The view sizes the streamer by followers and chatters by messages; the centre is drawn at a
            // fixed size, so only the chatters' messages set sizes.
            nodes: weighView(hood.view, undefined, new Set(botsHere)),
            links: hood.view.links,
            omitted: hood.view.omitted,
            ...(center === undefined ? {} : { centerId: center.id }),
            measure: 'messages',
            caption: `Game, language, teams, VIPs, moderators and top chatters`,
          },
        },
      ],
      ports.pictures !== false,
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
        ...(botsHere.length === 0
          ? []
          : [{ name: `Bots (${formatCount(botsHere.length)})`, value: formatList(botsHere, 20) }]),
        {
          name: `Chatters (${formatCount(hood.chatterCount)})`,
          value:
            hood.chatterCount === 0
              ? 'none'
              : formatList(chatters, STREAMER_CHATTER_LIMIT) +
                (hood.chatterCount > chatters.length ? ` … of ${formatCount(hood.chatterCount)}` : ''),
        },
      ],
      images,
      notes,
      data: {
        streamer: s,
        vips: hood.vips,
        moderators: hood.moderators,
        chatters: listed,
        chatterCount: hood.chatterCount,
        bots: botsHere,
        view: hood.view,
      },
    });
  },
});
