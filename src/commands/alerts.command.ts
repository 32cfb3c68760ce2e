/**
 * `/alerts set|off|list|recent`: live alerts about raids and bot waves, posted to a Discord channel
 * (docs/alerts.md). Restricted like `/monitor` (changing where alerts go is a moderator's decision), and
 * like it only bookkeeping in the graph: the detector beside the ingest worker and the bot's alert poster
 * run in other processes and read the rules within seconds. No command here acts on Twitch.
 */
import { z } from 'zod';
import type { AlertSensitivity } from '../graph/graph-store.port.js';
import { ALERT_SENSITIVITIES } from '../graph/graph-store.port.js';
import { defineCommand, limitArg, limitOption, twitchChannelArg } from './command.js';
import { formatCount, formatUtcMinute } from '../reply/format.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';

/** A Discord channel as a moderator gives it: its id, a `<#id>` mention, or a discord.com/channels link. */
const discordChannelArg = z
  .string({ error: 'discord_channel is required' })
  .max(200, { error: 'discord_channel is longer than 200 characters' })
  .transform((value, ctx) => {
    const text = value.trim();
    const id =
      /^<#(\d{17,20})>$/.exec(text)?.[1] ??
      /^https:\/\/(?:\w+\.)?discord(?:app)?\.com\/channels\/\d{17,20}\/(\d{17,20})\/?$/.exec(text)?.[1] ??
      /^(\d{17,20})$/.exec(text)?.[1];
    if (id !== undefined) return id;
    ctx.addIssue({
      code: 'custom',
      message: 'discord_channel must be a channel mention (#alerts), a channel id or a channel link',
    });
    return z.NEVER;
  });

const SENSITIVITY_TEXT: Readonly<Record<AlertSensitivity, string>> = {
  low: 'low (25 first-time chatters in the window, 75% new accounts)',
  normal: 'normal (15 first-time chatters in the window, 60% new accounts)',
  high: 'high (10 first-time chatters in the window, 50% new accounts)',
};

const PICKUP = 'The detector picks the change up within seconds.';

export const alertsCommand = defineCommand({
  definition: {
    name: 'alerts',
    description: 'Live alerts about raids and bot waves, posted to a Discord channel',
    subcommands: [
      {
        name: 'set',
        description: 'Post a channel’s raid and bot-wave alerts to a Discord channel',
        options: [
          {
            name: 'channel',
            description: 'Twitch channel login or twitch.tv link',
            type: 'string',
            required: true,
            maxLength: 200,
            autocomplete: 'streamer',
          },
          {
            name: 'discord_channel',
            description: 'Where to post: a channel mention, id or link',
            type: 'string',
            required: true,
            maxLength: 200,
          },
          {
            name: 'sensitivity',
            description: 'How readily a bot wave is called (default normal)',
            type: 'string',
            choices: ALERT_SENSITIVITIES.map((s) => ({ name: s, value: s })),
          },
        ],
        restricted: true,
      },
      {
        name: 'off',
        description: 'Stop a channel’s alerts',
        options: [
          {
            name: 'channel',
            description: 'Twitch channel login or twitch.tv link',
            type: 'string',
            required: true,
            maxLength: 200,
          },
        ],
        restricted: true,
      },
      { name: 'list', description: 'Channels with alerts, and where they go', options: [] },
      {
        name: 'recent',
        description: 'The latest alerts',
        options: [limitOption('How many alerts (1–25, default 10)', 25)],
      },
    ],
  },
  args: z.discriminatedUnion(
    'subcommand',
    [
      z.object({
        subcommand: z.literal('set'),
        channel: twitchChannelArg,
        discord_channel: discordChannelArg,
        sensitivity: z
          .enum(ALERT_SENSITIVITIES, { error: 'sensitivity must be low, normal or high' })
          .optional(),
      }),
      z.object({ subcommand: z.literal('off'), channel: twitchChannelArg }),
      z.object({ subcommand: z.literal('list') }),
      z.object({ subcommand: z.literal('recent'), limit: limitArg(10, 25) }),
    ],
    { error: 'choose one of: set, off, list, recent' },
  ),
  async run(args, { graph, caller, now }): Promise<Reply> {
    if (args.subcommand === 'list') {
      const rules = await graph.alertRules();
      if (rules.length === 0) {
        return reply({
          status: 'empty',
          title: 'Live alerts',
          description:
            'No channel has alerts yet. Set one with `/alerts set channel:<login> discord_channel:#alerts`.',
          data: rules,
        });
      }
      return reply({
        title: `Live alerts: ${formatCount(rules.length)} ${rules.length === 1 ? 'channel' : 'channels'}`,
        table: {
          columns: [
            { header: 'Channel' },
            { header: 'Posted to' },
            { header: 'Sensitivity' },
            { header: 'Since' },
            { header: 'Set by' },
          ],
          rows: rules.map((r) => [
            r.channel,
            `<#${r.discordChannel}>`,
            r.sensitivity,
            formatUtcMinute(r.since),
            r.requestedBy,
          ]),
        },
        notes: ['Alerts report; they never act on Twitch. The channel must also be watched (`/monitor`).'],
        data: rules,
      });
    }
    if (args.subcommand === 'recent') {
      const alerts = await graph.recentAlerts(args.limit.value);
      const notes = args.limit.note === undefined ? [] : [args.limit.note];
      if (alerts.length === 0) {
        return reply({
          status: 'empty',
          title: 'Recent alerts',
          description: 'No alert yet.',
          notes,
          data: alerts,
        });
      }
      return reply({
        title: `Recent alerts: ${formatCount(alerts.length)}`,
        table: {
          columns: [
            { header: 'When' },
            { header: 'Channel' },
            { header: 'Kind' },
            { header: 'Accounts', align: 'right' },
            { header: 'What' },
          ],
          rows: alerts.map((a) => [
            formatUtcMinute(a.updatedAt),
            a.channel,
            a.kind,
            formatCount(a.accounts),
            a.title,
          ]),
        },
        notes,
        data: alerts,
      });
    }
    const login = args.channel;
    const link = `https://www.twitch.tv/${login}`;
    if (args.subcommand === 'off') {
      const changed = await graph.removeAlertRule(login);
      return reply({
        title: changed ? `Alerts for #${login} are off` : `#${login} had no alerts`,
        url: link,
        description: changed
          ? `${PICKUP} Alerts already posted stay where they are.`
          : 'Nothing changed. `/alerts list` shows every channel with alerts.',
        data: { channel: login, changed },
      });
    }
    const sensitivity = args.sensitivity ?? 'normal';
    const changed = await graph.setAlertRule({
      channel: login,
      discordChannel: args.discord_channel,
      sensitivity,
      requestedBy: caller ?? 'unknown',
      since: (now?.() ?? new Date()).getTime(),
    });
    return reply({
      title: changed
        ? `Alerts for #${login} go to <#${args.discord_channel}>`
        : `Alerts for #${login} were already set so`,
      url: link,
      description: changed
        ? `${PICKUP} Raids, and bot waves at sensitivity ${SENSITIVITY_TEXT[sensitivity]}, are posted there; repeated bursts edit the same message.`
        : 'Nothing changed. `/alerts list` shows every channel with alerts.',
      notes: [
        'The channel must be watched for alerts to come (`/monitor add`). The bot needs to post in that Discord channel.',
      ],
      data: { channel: login, discordChannel: args.discord_channel, sensitivity, changed },
    });
  },
});
