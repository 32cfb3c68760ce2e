/**
 * Turn per-node scores into the ranked rows the commands show. Like the seed, only users and streams are
 * listed (games, languages and teams take part in the computation but are not people).
 */
import { compareNames } from '../graph-order.js';
import type { GraphProjection, ScoredNode } from '../graph-store.port.js';

export function topScored(
  projection: GraphProjection,
  scores: Float64Array,
  limit: number,
  names?: readonly string[],
): ScoredNode[] {
  const only = names === undefined ? undefined : new Set(names);
  const rows: ScoredNode[] = [];
  projection.nodes.forEach((node, i) => {
    if ((node.kind === 'User' || node.kind === 'Stream') && (only === undefined || only.has(node.name)))
      rows.push({ name: node.name, kind: node.kind, score: scores[i] ?? 0 });
  });
  return rows.sort((a, b) => b.score - a.score || compareNames(a.name, b.name)).slice(0, limit);
}
