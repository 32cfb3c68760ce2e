import { z } from 'zod';
import { formatCount } from '../reply/format.js';
import type { Picture } from '../reply/picture.js';
import { imageName, tableFitsEmbed } from '../reply/picture.js';
import type { Reply, ReplyTable } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { defineCommand } from './command.js';
import { emptyGraphNote } from './empty-graph.js';
import { weighView } from './weigh-view.js';

const MAX_ROWS = 50;
const optionalName = z
  .string()
  .trim()
  .max(100, { error: 'names are at most 100 characters' })
  .optional()
  .transform((v) => (v === undefined || v === '' ? null : v));

export const streamersCommand = defineCommand({
  definition: {
    name: 'streamers',
    description: 'Streamers by language and game (either or both; neither lists all)',
    options: [
      {
        name: 'language',
        description: 'Language code, e.g. en, ko',
        type: 'string',
        maxLength: 100,
        autocomplete: 'language',
      },
      { name: 'game', description: 'Game name', type: 'string', maxLength: 100, autocomplete: 'game' },
    ],
  },
  args: z.object({ language: optionalName, game: optionalName }),
  async run(args, { graph, pictures }): Promise<Reply> {
    const rows = await graph.streamersBy({ language: args.language, game: args.game });
    const filters = [
      args.language === null ? null : `language ${args.language}`,
      args.game === null ? null : `game ${args.game}`,
    ]
      .filter((f) => f !== null)
      .join(', ');
    const title = filters === '' ? 'All streamers' : `Streamers with ${filters}`;
    const data = rows.map((s) => ({
      login: s.login,
      displayName: s.displayName,
      language: s.language,
      game: s.game,
      followers: s.followers,
    }));
    if (rows.length === 0) {
      const empty = await emptyGraphNote(graph);
      return reply({
        status: 'empty',
        title,
        description:
          empty ?? 'No streamer matches. `/top games` and autocomplete show the names the graph knows.',
        data,
      });
    }
    const shown = rows.slice(0, MAX_ROWS);
    const table: ReplyTable = {
      columns: [
        { header: 'Streamer' },
        { header: 'Language' },
        { header: 'Game' },
        { header: 'Followers', align: 'right' },
      ],
      rows: shown.map((s) => [s.displayName, s.language ?? '', s.game ?? '', formatCount(s.followers)]),
    };
    const notes =
      rows.length > shown.length
        ? [`showing the ${MAX_ROWS} with the most followers of ${formatCount(rows.length)}`]
        : [];
    // The streamers, sized by followers, with their games, languages and teams and who chats where.
    const view = await graph.connections(shown.map((s) => ({ kind: 'Stream', name: s.login })));
    const followers = new Map(shown.map((s) => [`Stream:${s.login}`, s.followers]));
    const slug = [args.language ?? 'any', args.game ?? 'any'];
    const drawable: Picture[] = [
      {
        kind: 'graph',
        name: imageName('streamers', ...slug),
        description: `Graph of ${formatCount(shown.length)} streamers (${filters === '' ? 'all' : filters}), sized by followers, with their games, languages, teams and the links among them.`,
        input: {
          title: `${title}: ${formatCount(rows.length)}`,
          nodes: weighView(view, followers),
          links: view.links,
          omitted: view.omitted + (rows.length - shown.length),
          measure: 'followers',
          caption: 'Streamers, their games, languages and teams',
        },
      },
    ];
    if (!tableFitsEmbed(table))
      drawable.push({
        kind: 'table',
        name: imageName('streamers', ...slug, 'table'),
        description: `Table of ${formatCount(shown.length)} streamers with language, game and followers.`,
        input: { title: `${title}: ${formatCount(rows.length)}`, table },
      });
    return reply({
      title: `${title}: ${formatCount(rows.length)}`,
      table,
      notes,
      pictures: pictures === false ? [] : drawable,
      data,
    });
  },
});
