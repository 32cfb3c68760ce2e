import { z } from 'zod';
import { emptyAudienceColumns } from '../graph/audience-columns.js';
import { audienceAffinityOf, rankChatterColumns } from '../insights/audience-affinity.js';
import { formatCount, formatDate, formatList } from '../reply/format.js';
import type { Picture } from '../reply/picture.js';
import { imageName } from '../reply/picture.js';
import type { Reply } from '../reply/reply.js';
import { errorReply, reply } from '../reply/reply.js';
import { botsOf, defineCommand, nameArg } from './command.js';
import { communitiesOf } from './communities.command.js';
import { streamerNotFound } from './not-found.js';
import { weighView } from './weigh-view.js';

/** Chatters listed in the reply. */
export const STREAMER_CHATTER_LIMIT = 25;
/** Chatters drawn in the reply's picture (ranked as listed); the picture says how many more there are. */
export const STREAMER_PICTURE_CHATTERS = 60;
/** Channels sharing most of the audience, listed and drawn. */
export const STREAMER_NEAREST_CHANNELS = 8;

const counted = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

export const streamerCommand = defineCommand({
  definition: {
    name: 'streamer',
    description:
      'One streamer: game, language, teams, VIPs, moderators, top chatters, community, nearest channels',
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
    if (found === null) return streamerNotFound(graph, 'Streamer not found', args.name);
    const hood = await graph.neighbourhood(found.id, { chatterLimit: 0 });
    if (hood === null) return errorReply('Streamer not found', `"${args.name}" disappeared while reading.`);
    const s = hood.streamer;
    // Every flagged account in the channel's audience: listed on their own, never as top chatters.
    const bots = await botsOf(ports).logins();
    const botsHere = await graph.presentIn(found.id, bots);
    // In columns: a big channel has 100k-1M chatters, and only the ones shown become objects.
    const audience = (await graph.channelAudienceColumns(found.id)) ?? emptyAudienceColumns(0);
    const overlap = await graph.audienceOverlap(found.id);
    const affinity = await audienceAffinityOf(graph, found.id, audience, { overlap });
    const ranked = rankChatterColumns(
      audience,
      affinity,
      new Set([...botsHere, s.login]),
      Math.max(STREAMER_CHATTER_LIMIT, STREAMER_PICTURE_CHATTERS),
    );
    const listed = ranked.slice(0, STREAMER_CHATTER_LIMIT);
    const drawn = ranked.slice(0, STREAMER_PICTURE_CHATTERS);
    const chatters = listed.map((c) =>
      c.messages === null ? c.login : `${c.login} (${formatCount(c.messages)})`,
    );
    const nearest = (overlap?.others ?? []).slice(0, STREAMER_NEAREST_CHANNELS);
    const { result: communities } = await communitiesOf(graph, bots);
    const communityId = communities.communityOf.get(s.id);
    const community = communities.communities.find((c) => c.id === communityId);

    // The picture: the channel, its game, language and teams, its VIPs and moderators, its top chatters by
    // the ranking above, and the channels sharing most of its audience (as Memgraph's demo draws a streamer
    // with the streamers its chatters also watch); chatters link to the nearest channels they chat in too.
    const channelRef = (c: { id: string; login: string }) => (c.login === '' ? `#${c.id}` : c.login);
    const view = await graph.connections([
      { kind: 'Stream', name: s.login === '' ? `#${s.id}` : s.login },
      ...hood.vips.map((login) => ({ kind: 'User' as const, name: login })),
      ...hood.moderators.map((login) => ({ kind: 'User' as const, name: login })),
      ...drawn.map((c) => ({ kind: 'User' as const, name: c.login })),
      ...nearest.map((o) => ({ kind: 'Stream' as const, name: channelRef(o.channel) })),
    ]);
    const weights = new Map<string, number>();
    const useMessages = drawn.some((c) => c.messages !== null);
    for (const c of drawn)
      weights.set(`User:${c.login}`, useMessages ? (c.messages ?? 0) : c.chatsElsewhere + c.badgesElsewhere);
    for (const o of nearest) weights.set(`Stream:${channelRef(o.channel)}`, o.shared);
    const centerId = `Stream:${s.login === '' ? `#${s.id}` : s.login}`;
    const pictures: Picture[] = [
      {
        kind: 'graph',
        name: imageName('streamer', s.login === '' ? s.id : s.login),
        description:
          `Graph of ${s.displayName}'s channel: its game, language and teams, ` +
          `${counted(hood.vips.length, 'VIP')}, ${counted(hood.moderators.length, 'moderator')}, ` +
          `${formatCount(drawn.length)} of ${counted(hood.chatterCount, 'chatter')} and the ` +
          `${counted(nearest.length, 'channel')} sharing most of its audience.`,
        input: {
          title: `${s.displayName} (${s.login})`,
          nodes: weighView(view, weights, new Set(botsHere)),
          links: view.links,
          omitted: Math.max(0, hood.chatterCount - drawn.length),
          ...(view.nodes.some((n) => n.id === centerId) ? { centerId } : {}),
          measure: useMessages ? 'messages' : 'channels and badges elsewhere',
          caption: 'VIPs and moderators ringed, top chatters, nearest channels by shared chatters',
        },
      },
    ];
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
          name: 'Community',
          value:
            community === undefined
              ? 'none (shares no chatter with another channel)'
              : `${community.id} of ${communities.communities.length}: ${formatList(
                  community.channels
                    .filter((c) => c.channel.id !== s.id)
                    .map((c) => c.channel.login || c.channel.displayName),
                  6,
                )} (${counted(community.channels.length, 'channel')}; see /communities)`,
        },
        {
          name: 'Nearest channels (shared chatters)',
          value:
            nearest.length === 0
              ? 'none'
              : formatList(
                  nearest.map(
                    (o) => `${o.channel.login || o.channel.displayName} (${formatCount(o.shared)})`,
                  ),
                  STREAMER_NEAREST_CHANNELS,
                ),
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
      pictures: ports.pictures === false ? [] : pictures,
      notes: [
        'Chatters ranked by messages here (when live chat counted them), then badges in other channels, ' +
          "then audience affinity (how much of this channel's audience their other channels share), then " +
          'other channels chatted in; flagged bots are listed apart.',
      ],
      data: {
        streamer: s,
        vips: hood.vips,
        moderators: hood.moderators,
        chatters: listed,
        chatterCount: hood.chatterCount,
        bots: botsHere,
        community:
          community === undefined
            ? null
            : { id: community.id, channels: community.channels.map((c) => c.channel.login) },
        nearestChannels: nearest.map((o) => ({
          login: o.channel.login,
          shared: o.shared,
          audience: o.audience,
        })),
        view,
      },
    });
  },
});
