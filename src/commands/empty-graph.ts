import type { GraphQueries } from '../graph/graph-store.port.js';

/** When an answer is empty, say whether that is because nothing has been imported yet. */
export async function emptyGraphNote(graph: Pick<GraphQueries, 'counts'>): Promise<string | undefined> {
  const counts = await graph.counts();
  return counts.nodes === 0
    ? 'The graph is empty: import data first (`twitchgraph import --data DIR`) or start the pipeline.'
    : undefined;
}
