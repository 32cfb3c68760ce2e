/** A graph view's nodes as picture nodes, weighed by what the command measures. */
import type { GraphView } from '../graph/graph-store.port.js';
import type { GraphImageNode } from '../reply/picture.js';

/**
 * A GraphView's nodes for drawing: each node's weight taken from `weights` (by view node id) instead of the
 * store's, and users whose login is in `bots` drawn as bots.
 */
export function weighView(
  view: GraphView,
  weights?: ReadonlyMap<string, number>,
  bots?: ReadonlySet<string>,
): GraphImageNode[] {
  return view.nodes.map((node) => {
    const weight = weights === undefined ? node.weight : weights.get(node.id);
    const out: GraphImageNode = { id: node.id, kind: node.kind, label: node.label };
    if (weight !== undefined) out.weight = weight;
    if (node.kind === 'User' && bots?.has(node.id.slice('User:'.length)) === true) out.bot = true;
    return out;
  });
}
