import { describe, expect, it } from 'vitest';
import { topScored } from '../../src/graph/algorithms/top-scores.js';
import type { GraphProjection } from '../../src/graph/graph-store.port.js';
import { betweennessRows, scoredRows } from '../../src/graph/in-process-algorithms.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { projectionOf } from '../algorithms/reference-fixtures.js';

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

describe('betweenness rows', () => {
  // s→a→t, s→b→t, a→b: a and b lie on paths, s and t on none.
  const projection = projectionOf(
    ['s', 'a', 'b', 't'],
    [
      [0, 1],
      [0, 2],
      [1, 3],
      [2, 3],
      [1, 2],
    ],
  );

  it('answers each limit and each setting of the same projection as computed afresh', () => {
    const exact = { exactMaxNodes: 1_000, samplePivots: 1_000 };
    const sampled = { exactMaxNodes: 1, samplePivots: 2 };
    const top = betweennessRows(projection, { limit: 4 }, exact);
    expect(top).toMatchObject({ mode: 'exact', pivots: 4, nodeCount: 4 });
    expect(top.rows.map((r) => r.name)).toEqual(['a', 'b', 's', 't']);
    expect(betweennessRows(projection, { limit: 1 }, exact).rows).toEqual(top.rows.slice(0, 1));
    // The scores kept for the exact setting must not answer for the sampled one.
    const estimate = betweennessRows(projection, { limit: 4 }, sampled);
    expect(estimate).toMatchObject({ mode: 'sampled', pivots: 2, nodeCount: 4 });
    const fresh = betweennessRows(
      projectionOf(
        ['s', 'a', 'b', 't'],
        [
          [0, 1],
          [0, 2],
          [1, 3],
          [2, 3],
          [1, 2],
        ],
      ),
      { limit: 4 },
      sampled,
    );
    expect(estimate).toEqual(fresh);
    expect(betweennessRows(projection, { limit: 4 }, exact)).toEqual(top);
  });
});
