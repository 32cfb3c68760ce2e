import { z } from 'zod';
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../domain/graph-records.js';
import { formatCount } from '../reply/format.js';
import type { Reply } from '../reply/reply.js';
import { reply } from '../reply/reply.js';
import { defineCommand } from './command.js';

export const statsCommand = defineCommand({
  definition: { name: 'stats', description: 'How big the graph is: nodes and relationships by kind' },
  args: z.object({}),
  async run(_args, { graph }): Promise<Reply> {
    const counts = await graph.counts();
    const rows = [
      ...NODE_LABELS.map((label) => ['node', label, formatCount(counts.byLabel[label])]),
      ...RELATIONSHIP_TYPES.map((type) => ['relationship', type, formatCount(counts.byType[type])]),
    ];
    return reply({
      status: counts.nodes === 0 ? 'empty' : 'ok',
      title: 'Graph statistics',
      description: `${formatCount(counts.nodes)} nodes and ${formatCount(counts.relationships)} relationships (${graph.backend} store).`,
      table: { columns: [{ header: 'Kind' }, { header: 'Name' }, { header: 'Count', align: 'right' }], rows },
      notes:
        counts.nodes === 0
          ? ['The graph is empty: import data first (`twitchgraph import --data DIR`).']
          : [],
      data: {
        backend: graph.backend,
        nodes: counts.nodes,
        relationships: counts.relationships,
        ...counts.byLabel,
        ...counts.byType,
      },
    });
  },
});
