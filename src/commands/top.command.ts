import { z } from 'zod';
import type { RankedName, StreamerSummary } from '../graph/graph-store.port.js';
import { formatCount } from '../reply/format.js';
import type { BarChartRow, NodeCategory } from '../reply/picture.js';
import { imageName } from '../reply/picture.js';
import type { Reply, ReplyTable } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { booleanArg, botsOf, defineCommand, excludeBotsOption, limitArg, limitOption } from './command.js';
import { emptyGraphNote } from './empty-graph.js';

export const TOP_SUBCOMMANDS = {
  games: {
    description: 'Games with the most streamers playing them',
    noun: 'Game',
    measure: 'Streamers',
    kind: 'Game',
  },
  teams: {
    description: 'Teams with the most member streamers',
    noun: 'Team',
    measure: 'Members',
    kind: 'Team',
  },
  vips: {
    description: 'Users who are VIP in the most channels',
    noun: 'User',
    measure: 'Channels',
    kind: 'User',
  },
  moderators: {
    description: 'Users who moderate the most channels',
    noun: 'User',
    measure: 'Channels',
    kind: 'User',
  },
  'streamers-by-views': {
    description: 'Streamers with the most total views',
    noun: 'Streamer',
    measure: 'Views',
    kind: 'Stream',
  },
  'streamers-by-followers': {
    description: 'Streamers with the most followers',
    noun: 'Streamer',
    measure: 'Followers',
    kind: 'Stream',
  },
} as const satisfies Record<
  string,
  { description: string; noun: string; measure: string; kind: NodeCategory }
>;

export type TopSubcommand = keyof typeof TOP_SUBCOMMANDS;
const subcommandNames = Object.keys(TOP_SUBCOMMANDS) as [TopSubcommand, ...TopSubcommand[]];

const rankedTable = (noun: string, measure: string, rows: readonly RankedName[]): ReplyTable => ({
  columns: [{ header: '#', align: 'right' }, { header: noun }, { header: measure, align: 'right' }],
  rows: rows.map((row, i) => [String(i + 1), row.name, formatCount(row.count)]),
});

const streamerTable = (measure: 'Views' | 'Followers', rows: readonly StreamerSummary[]): ReplyTable => ({
  columns: [
    { header: '#', align: 'right' },
    { header: 'Streamer' },
    { header: measure, align: 'right' },
    { header: 'Game' },
  ],
  rows: rows.map((s, i) => [
    String(i + 1),
    s.displayName,
    formatCount(measure === 'Views' ? s.totalViewCount : s.followers),
    s.game ?? '',
  ]),
});

export const topCommand = defineCommand({
  definition: {
    name: 'top',
    description: 'Top lists: games, teams, VIPs, moderators, streamers by views or followers',
    subcommands: subcommandNames.map((name) => ({
      name,
      description: TOP_SUBCOMMANDS[name].description,
      options:
        name === 'vips' || name === 'moderators'
          ? [limitOption('How many rows (1–50, default 10)'), excludeBotsOption(true)]
          : [limitOption('How many rows (1–50, default 10)')],
    })),
  },
  args: z.object({
    subcommand: z.enum(subcommandNames, {
      error: `choose one of: ${subcommandNames.join(', ')}`,
    }),
    limit: limitArg(10),
    // Only VIP and moderator lists hold accounts that can be bots.
    exclude_bots: booleanArg(true),
  }),
  async run(args, ports): Promise<Reply> {
    const { graph } = ports;
    const botNotes: string[] = [];
    const { noun, measure, description, kind } = TOP_SUBCOMMANDS[args.subcommand];
    const limit = args.limit.value;
    let table: ReplyTable;
    let data: unknown;
    let count: number;
    let bars: BarChartRow[];
    switch (args.subcommand) {
      case 'games':
      case 'teams':
      case 'vips':
      case 'moderators': {
        let rows: RankedName[];
        if (args.subcommand === 'games') rows = await graph.topGames(limit);
        else if (args.subcommand === 'teams') rows = await graph.topTeams(limit);
        else {
          const role = args.subcommand === 'vips' ? 'VIP' : 'MODERATOR';
          const everyone = await graph.topRoleHolders(role, limit);
          if (args.exclude_bots) {
            const flags = await botsOf(ports).flags();
            rows = await graph.topRoleHolders(role, limit, { excludeLogins: [...flags.keys()] });
            const left = everyone.filter((r) => flags.has(r.name));
            if (left.length > 0) {
              botNotes.push(
                `Left out ${left.length === 1 ? 'an account' : `${left.length} accounts`} flagged as bots: ` +
                  `${left.map((r) => `${r.name} (${flags.get(r.name)?.reason ?? 'flagged'})`).join('; ')}. ` +
                  'Use exclude_bots:false to include them.',
              );
            }
          } else rows = everyone;
        }
        table = rankedTable(noun, measure, rows);
        bars = rows.map((row) => ({ label: row.name, value: row.count }));
        data = rows;
        count = rows.length;
        break;
      }
      case 'streamers-by-views':
      case 'streamers-by-followers': {
        const by = args.subcommand === 'streamers-by-views' ? 'views' : 'followers';
        const rows = await graph.topStreamers(by, limit);
        table = streamerTable(by === 'views' ? 'Views' : 'Followers', rows);
        bars = rows.map((s) => ({
          label: s.displayName,
          value: by === 'views' ? s.totalViewCount : s.followers,
        }));
        data = rows.map((s) => ({
          login: s.login,
          displayName: s.displayName,
          followers: s.followers,
          views: s.totalViewCount,
          game: s.game,
        }));
        count = rows.length;
        break;
      }
    }
    const notes = [...(args.limit.note === undefined ? [] : [args.limit.note]), ...botNotes];
    if (count === 0) {
      const empty = await emptyGraphNote(graph);
      return reply({
        status: 'empty',
        title: `Top ${args.subcommand}`,
        description: empty ?? 'Nothing to list yet.',
        notes,
        data,
      });
    }
    const title = `Top ${count} ${args.subcommand}`;
    return reply({
      title,
      description,
      table,
      notes,
      pictures:
        ports.pictures === false
          ? []
          : [
              {
                kind: 'chart',
                name: imageName('top', args.subcommand),
                description: `Bar chart: ${description.toLowerCase()}, top ${count} by ${measure.toLowerCase()}.`,
                input: { title, subtitle: description, rows: bars, kind },
              },
            ],
      data,
    });
  },
});
