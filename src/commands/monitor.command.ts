/**
 * `/monitor add|remove|list`: which Twitch channels the live listener watches. Only bookkeeping in the
 * graph (`setMonitoredChannel`); the listener runs in another process and polls `monitoredChannels()`, so
 * a change reaches it within its poll interval rather than at once.
 */
import { z } from 'zod';
import { formatCount, formatUtcMinute } from '../reply/format.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { defineCommand, twitchChannelArg } from './command.js';

const channelOption = (description: string, autocomplete: boolean) => ({
  name: 'channel',
  description,
  type: 'string' as const,
  required: true,
  maxLength: 200,
  ...(autocomplete ? { autocomplete: 'streamer' as const } : {}),
});

const PICKUP = 'The live listener picks the change up within seconds.';

export const monitorCommand = defineCommand({
  definition: {
    name: 'monitor',
    description: 'Which Twitch channels the live listener watches',
    subcommands: [
      {
        name: 'add',
        description: 'Start watching a channel’s chat',
        options: [channelOption('Channel login or twitch.tv link', true)],
        restricted: true,
      },
      {
        name: 'remove',
        description: 'Stop watching a channel’s chat',
        options: [channelOption('Channel login or twitch.tv link', false)],
        restricted: true,
      },
      { name: 'list', description: 'Channels the live listener watches', options: [] },
    ],
  },
  args: z.discriminatedUnion(
    'subcommand',
    [
      z.object({ subcommand: z.literal('add'), channel: twitchChannelArg }),
      z.object({ subcommand: z.literal('remove'), channel: twitchChannelArg }),
      z.object({ subcommand: z.literal('list') }),
    ],
    { error: 'choose one of: add, remove, list' },
  ),
  async run(args, { graph, caller }): Promise<Reply> {
    if (args.subcommand === 'list') {
      const channels = await graph.monitoredChannels();
      if (channels.length === 0) {
        return reply({
          status: 'empty',
          title: 'Monitored channels',
          description:
            'The live listener watches no channel yet. Add one with `/monitor add channel:<login>`.',
          data: channels,
        });
      }
      return reply({
        title: `Monitored channels: ${formatCount(channels.length)}`,
        table: {
          columns: [{ header: 'Channel' }, { header: 'Since' }, { header: 'Requested by' }],
          rows: channels.map((c) => [c.login, formatUtcMinute(c.since), c.requestedBy]),
        },
        notes: ['Channels listed in TWITCH_CHANNELS are watched as well.'],
        data: channels,
      });
    }
    const login = args.channel;
    const adding = args.subcommand === 'add';
    const changed = await graph.setMonitoredChannel(login, adding, caller ?? 'unknown');
    const link = `https://www.twitch.tv/${login}`;
    if (adding) {
      return reply({
        title: changed ? `Now monitoring #${login}` : `#${login} is already monitored`,
        url: link,
        description: changed
          ? `${PICKUP} New chatters in #${login} then appear in the graph as they talk.`
          : 'Nothing changed. `/monitor list` shows every monitored channel.',
        data: { login, monitored: true, changed },
      });
    }
    return reply({
      title: changed ? `Stopped monitoring #${login}` : `#${login} was not monitored`,
      url: link,
      description: changed
        ? `${PICKUP} What was already recorded stays in the graph.`
        : 'Nothing changed. `/monitor list` shows every monitored channel.',
      data: { login, monitored: false, changed },
    });
  },
});
