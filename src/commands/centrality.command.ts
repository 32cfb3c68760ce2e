/** `/pagerank` and `/betweenness`: the most central users and streams, as the seed computed them. */
import { z } from 'zod';
import type { ScoredNode } from '../graph/graph-store.port.js';
import { defineCommand, limitArg, limitOption } from './command.js';
import { emptyGraphNote } from './empty-graph.js';
import { formatCount, formatScore } from './format.js';
import type { Reply, ReplyTable } from './reply.js';
import { reply } from './reply.js';

const scoreTable = (measure: string, rows: readonly ScoredNode[]): ReplyTable => ({
  columns: [
    { header: '#', align: 'right' },
    { header: 'Name' },
    { header: 'Kind' },
    { header: measure, align: 'right' },
  ],
  rows: rows.map((row, i) => [String(i + 1), row.name, row.kind, formatScore(row.score)]),
});

const args = z.object({ limit: limitArg(10) });

export const pagerankCommand = defineCommand({
  definition: {
    name: 'pagerank',
    description: 'Most important users and streams by PageRank',
    options: [limitOption('How many rows (1–50, default 10)')],
    slow: true,
  },
  args,
  async run({ limit }, { graph }): Promise<Reply> {
    const rows = await graph.pagerank({ limit: limit.value });
    const notes = [...(limit.note === undefined ? [] : [limit.note])];
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
    return reply({
      title: `PageRank: top ${rows.length}`,
      table: scoreTable('PageRank', rows),
      notes,
      data: rows,
    });
  },
});

export const betweennessCommand = defineCommand({
  definition: {
    name: 'betweenness',
    description: 'Users and streams that bridge communities (betweenness centrality)',
    options: [limitOption('How many rows (1–50, default 10)')],
    slow: true,
  },
  args,
  async run({ limit }, { graph }): Promise<Reply> {
    const result = await graph.betweenness({ limit: limit.value });
    const notes = [...(limit.note === undefined ? [] : [limit.note])];
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
    return reply({
      title: `Betweenness: top ${result.rows.length}`,
      table: scoreTable('Betweenness', result.rows),
      notes,
      data: result,
    });
  },
});
