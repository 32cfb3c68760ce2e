/** `/pagerank` and `/betweenness`: the most central users and streams, as the seed computed them. */
import { z } from 'zod';
import type { GraphQueries, ScoredNode } from '../graph/graph-store.port.js';
import { formatCount, formatScore } from '../reply/format.js';
import type { Picture } from '../reply/picture.js';
import { imageName } from '../reply/picture.js';
import type { Reply, ReplyTable } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import type { CommandPorts } from './command.js';
import { booleanArg, botsOf, defineCommand, excludeBotsOption, limitArg, limitOption } from './command.js';
import { emptyGraphNote } from './empty-graph.js';
import { weighView } from './weigh-view.js';

const scoreTable = (measure: string, rows: readonly ScoredNode[]): ReplyTable => ({
  columns: [
    { header: '#', align: 'right' },
    { header: 'Name' },
    { header: 'Kind' },
    { header: measure, align: 'right' },
  ],
  rows: rows.map((row, i) => [String(i + 1), row.name, row.kind, formatScore(row.score)]),
});

/** The top nodes, the links among them and their games, languages and teams, sized by the score. */
async function centralityPicture(
  graph: Pick<GraphQueries, 'connections'>,
  measure: 'PageRank' | 'Betweenness',
  rows: readonly ScoredNode[],
  bots: ReadonlySet<string>,
  wanted: boolean,
): Promise<Picture[]> {
  // The links among the top nodes are read only for the picture.
  if (!wanted) return [];
  const view = await graph.connections(rows.map((row) => ({ kind: row.kind, name: row.name })));
  const scores = new Map(rows.map((row) => [`${row.kind}:${row.name}`, row.score]));
  return [
    {
      kind: 'graph',
      name: imageName(measure, `top${rows.length}`),
      description: `Graph of the top ${rows.length} users and streams by ${measure}, sized by score, with the links among them and their games, languages and teams.`,
      input: {
        title: `${measure}: top ${rows.length}`,
        nodes: weighView(view, scores, bots),
        links: view.links,
        omitted: view.omitted,
        measure,
        caption: `Top ${rows.length} by ${measure}, links among them, their games, languages and teams`,
      },
    },
  ];
}

const args = z.object({ limit: limitArg(10), exclude_bots: booleanArg(false) });

/** Bots to leave out of the computation (when asked) and to mark in the picture (always). */
async function botsFor(ports: CommandPorts, exclude: boolean) {
  const flags = await botsOf(ports).flags();
  const logins = [...flags.keys()];
  return {
    marked: new Set(logins),
    excludeLogins: exclude ? logins : [],
    note: exclude
      ? `Computed without the ${logins.length} accounts flagged as bots (exclude_bots:true).`
      : undefined,
  };
}

export const pagerankCommand = defineCommand({
  definition: {
    name: 'pagerank',
    description: 'Most important users and streams by PageRank',
    options: [limitOption('How many rows (1–50, default 10)'), excludeBotsOption(false)],
    slow: true,
  },
  args,
  async run({ limit, exclude_bots }, ports): Promise<Reply> {
    const { graph } = ports;
    const bots = await botsFor(ports, exclude_bots);
    const rows = await graph.pagerank({ limit: limit.value, excludeLogins: bots.excludeLogins });
    const notes = [
      ...(limit.note === undefined ? [] : [limit.note]),
      ...(bots.note === undefined ? [] : [bots.note]),
    ];
    if (rows.length === 0) {
      return reply({
        status: 'empty',
        title: 'PageRank',
        description: (await emptyGraphNote(graph)) ?? 'No users or streams yet.',
        notes,
        data: rows,
      });
    }
    notes.push(
      'PageRank as Memgraph MAGE computes it: damping 0.85, up to 100 iterations, ranks sum to 1 over the whole graph.',
    );
    const pictures = await centralityPicture(graph, 'PageRank', rows, bots.marked, ports.pictures !== false);
    return reply({
      title: `PageRank: top ${rows.length}`,
      table: scoreTable('PageRank', rows),
      notes,
      pictures,
      data: rows,
    });
  },
});

export const betweennessCommand = defineCommand({
  definition: {
    name: 'betweenness',
    description: 'Users and streams that bridge communities (betweenness centrality)',
    options: [limitOption('How many rows (1–50, default 10)'), excludeBotsOption(false)],
    slow: true,
  },
  args,
  async run({ limit, exclude_bots }, ports): Promise<Reply> {
    const { graph } = ports;
    const bots = await botsFor(ports, exclude_bots);
    const result = await graph.betweenness({ limit: limit.value, excludeLogins: bots.excludeLogins });
    const notes = [
      ...(limit.note === undefined ? [] : [limit.note]),
      ...(bots.note === undefined ? [] : [bots.note]),
    ];
    if (result.rows.length === 0) {
      return reply({
        status: 'empty',
        title: 'Betweenness',
        description: (await emptyGraphNote(graph)) ?? 'No users or streams yet.',
        notes,
        data: result,
      });
    }
    notes.push(
      result.mode === 'exact'
        ? `Exact betweenness over ${formatCount(result.nodeCount)} nodes (directed, normalized as in Memgraph MAGE).`
        : `Estimated from ${formatCount(result.pivots)} sampled sources of ${formatCount(result.nodeCount)} nodes: the graph is too large for an exact answer in chat time.`,
    );
    const pictures = await centralityPicture(
      graph,
      'Betweenness',
      result.rows,
      bots.marked,
      ports.pictures !== false,
    );
    return reply({
      title: `Betweenness: top ${result.rows.length}`,
      table: scoreTable('Betweenness', result.rows),
      notes,
      pictures,
      data: result,
    });
  },
});
