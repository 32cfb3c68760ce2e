import { describe, expect, it } from 'vitest';
import { topScored } from '../../src/graph/algorithms/top-scores.js';
import type { GraphProjection } from '../../src/graph/graph-store.port.js';
import { scoredRows } from '../../src/graph/in-process-algorithms.js';
import { seededRandom } from '../../src/util/seeded-random.js';

/** A projection as the stores build it: nodes by kind, then name; scores with many ties. */
function projectionWithTies(size: number): { projection: GraphProjection; scores: Float64Array } {
  const random = seededRandom(19);
  const names = (prefix: string, n: number) =>
    Array.from({ length: n }, () => `${prefix}${Math.floor(random() * 1e6).toString(36)}`);
  const nodes: GraphProjection['nodes'] = [
    ...['Chess', 'Go'].map((name) => ({ name, kind: 'Game' as const })),
    ...[...new Set(names('s', size / 10))].sort().map((name) => ({ name, kind: 'Stream' as const })),
    ...[...new Set(names('u', size))].sort().map((name) => ({ name, kind: 'User' as const })),
  ];
  const scores = Float64Array.from(nodes, () => Math.floor(random() * 5) / 10);
  return {
    projection: { nodes, offsets: new Uint32Array(nodes.length + 1), targets: new Uint32Array(0) },
    scores,
  };
}

describe('in-process algorithm rows', () => {
  const { projection, scores } = projectionWithTies(3_000);

  it('lists the same top rows as topScored when it keeps only the best while scanning', () => {
    for (const limit of [1, 10, 50])
      expect(scoredRows(projection, scores, limit)).toEqual(topScored(projection, scores, limit));
  });

  it('finds named rows by search in the sorted projection, as topScored does by testing every node', () => {
    const names = projection.nodes.filter((_, i) => i % 7 === 0).map((n) => n.name);
    const asked = [...names, 'nobody', names[0] ?? ''];
    expect(scoredRows(projection, scores, 10_000, asked)).toEqual(
      topScored(projection, scores, 10_000, asked),
    );
    expect(scoredRows(projection, scores, 5, asked)).toEqual(topScored(projection, scores, 5, asked));
  });
});
