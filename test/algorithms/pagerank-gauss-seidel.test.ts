/**
 * The Gauss–Seidel PageRank solver against MAGE's power iteration (src/graph/algorithms/pagerank.ts): the
 * same fixed point, the same stop test, fewer passes over the relationships.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { pagerankGaussSeidel, pagerankRun } from '../../src/graph/algorithms/pagerank.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphProjection } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { seededRandom } from '../../src/util/seeded-random.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { projectionOf } from './reference-fixtures.js';

const converge = { stopEpsilon: 1e-15, maxIterations: 10_000 };

function maxAbsDifference(a: Float64Array, b: Float64Array): number {
  expect(a).toHaveLength(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i += 1) max = Math.max(max, Math.abs((a[i] as number) - (b[i] as number)));
  return max;
}

/**
 * A random multigraph shaped like the igraph benchmark's (bench/algorithms.bench.ts `tangledProjection`):
 * uniform sources, targets skewed towards low indexes, plus self-loops, parallel relationships and 50 sinks.
 */
function randomMultigraph(nodes: number, relationships: number, seed: number): GraphProjection {
  const random = seededRandom(seed);
  const edges: [number, number][] = [];
  for (let e = 0; e < relationships; e += 1) {
    const source = Math.floor(random() * (nodes - 50));
    edges.push([source, Math.floor(random() ** 2 * nodes)]);
    if (e % 97 === 0) edges.push([source, source]);
    if (e % 89 === 0) edges.push([source, (edges.at(-1) as [number, number])[1]]);
  }
  return projectionOf(
    Array.from({ length: nodes }, (_, i) => `u${i}`),
    edges,
  );
}

const small: [string, GraphProjection][] = [
  [
    'parallel relationships',
    projectionOf(
      ['a', 'b', 'c'],
      [
        [0, 1],
        [0, 1],
        [0, 2],
      ],
    ),
  ],
  [
    'a self-loop',
    projectionOf(
      ['a', 'b'],
      [
        [0, 0],
        [0, 1],
      ],
    ),
  ],
  [
    'a sink at the end of a chain, and a self-loop',
    projectionOf(
      ['a', 'b', 'c', 'd'],
      [
        [0, 0],
        [0, 1],
        [1, 2],
        [3, 1],
        [3, 3],
      ],
    ),
  ],
  [
    'a cycle with a chord, relationships pointing at lower indexes',
    projectionOf(
      ['a', 'b', 'c'],
      [
        [2, 1],
        [1, 0],
        [0, 2],
        [2, 0],
      ],
    ),
  ],
  ['two nodes, no relationships', projectionOf(['a', 'b'], [])],
  ['one node', projectionOf(['a'], [])],
];

describe('pagerankGaussSeidel', () => {
  it.each(small)('reaches the power iteration’s fixed point to 1e-12: %s', (_, graph) => {
    const solved = pagerankGaussSeidel(graph, converge);
    expect(maxAbsDifference(solved.ranks, pagerankRun(graph, converge).ranks)).toBeLessThan(1e-12);
    expect(solved.ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(solved.lastMaxChange).toBeLessThanOrEqual(converge.stopEpsilon);
  });

  it('on a random multigraph with self-loops, parallel relationships and sinks: the same ranks in fewer passes', () => {
    const graph = randomMultigraph(2_000, 8_000, 7);
    const stop = { stopEpsilon: 1e-10 / graph.nodes.length, maxIterations: 1_000 };
    const power = pagerankRun(graph, stop);
    const solved = pagerankGaussSeidel(graph, stop);
    expect(maxAbsDifference(solved.ranks, power.ranks)).toBeLessThan(1e-12);
    expect(maxAbsDifference(solved.ranks, pagerankRun(graph, converge).ranks)).toBeLessThan(1e-12);
    expect(solved.lastMaxChange).toBeLessThanOrEqual(stop.stopEpsilon);
    // Passes over the relationships: the sweeps and the power steps that checked the stop test.
    expect(power.iterations).toBeGreaterThan(100);
    expect(solved.iterations).toBeLessThan(0.4 * power.iterations);
  });

  it('stops by the power iteration’s test: one power step moves no rank by more than ε, and it returns that step', () => {
    // a→b→c in index order: the first sweep lands on the fixed point (a = 0.05, b = 0.05 + 0.85a,
    // c = 0.05 + 0.85b), the second moves nothing, so the estimate (0) is taken, and the MAGE iteration
    // that checks it moves nothing either: three passes. The power iteration needs four
    // (test/algorithms/pagerank.test.ts).
    const chain = projectionOf(
      ['a', 'b', 'c'],
      [
        [0, 1],
        [1, 2],
      ],
    );
    const run = pagerankGaussSeidel(chain);
    const b = 0.05 + 0.85 * 0.05;
    const c = 0.05 + 0.85 * b;
    const total = 0.05 + b + c;
    expect(run.iterations).toBe(3);
    expect(run.lastMaxChange).toBeLessThan(1e-16); // rounding only
    [0.05 / total, b / total, c / total].forEach((value, i) => expect(run.ranks[i]).toBeCloseTo(value, 15));

    // A cycle with a chord converges geometrically, so the last change it reports is > 0 and within the
    // asked ε, for every ε.
    const cycle = projectionOf(
      ['a', 'b', 'c'],
      [
        [0, 1],
        [1, 2],
        [2, 0],
        [0, 2],
      ],
    );
    for (const stopEpsilon of [1e-3, 1e-5, 1e-8, 1e-12]) {
      const solved = pagerankGaussSeidel(cycle, { stopEpsilon });
      expect(solved.lastMaxChange).toBeGreaterThan(0);
      expect(solved.lastMaxChange).toBeLessThanOrEqual(stopEpsilon);
    }
  });

  it('agrees with the power iteration on 60 random graphs of every density, with sinks and self-loops, in not many more passes', () => {
    const random = seededRandom(11);
    for (let graph = 0; graph < 60; graph += 1) {
      const nodes = 2 + Math.floor(random() * 300);
      const sinks = Math.floor(random() * nodes * 0.3);
      const edges: [number, number][] = [];
      const relationships = Math.floor(random() * nodes * 6);
      for (let e = 0; e < relationships; e += 1) {
        const source = Math.floor(random() * (nodes - sinks));
        const target = Math.floor(random() ** 2 * nodes);
        edges.push([source, random() < 0.5 ? target : nodes - 1 - target]);
        if (random() < 0.05) edges.push([source, source]);
      }
      const projection = projectionOf(
        Array.from({ length: nodes }, (_, i) => `u${i}`),
        edges,
      );
      for (const dampingFactor of [0.5, 0.85, 0.99]) {
        // At d = 0.99 a change of 1e-15 is below what rounding lets either method settle to.
        const options = { ...converge, dampingFactor, stopEpsilon: dampingFactor < 0.9 ? 1e-15 : 1e-13 };
        const solved = pagerankGaussSeidel(projection, options);
        expect(solved.lastMaxChange).toBeLessThanOrEqual(options.stopEpsilon);
        expect(maxAbsDifference(solved.ranks, pagerankRun(projection, options).ranks)).toBeLessThan(
          dampingFactor < 0.9 ? 1e-12 : 1e-10,
        );
        // Passes at the igraph benchmark's accuracy: never many more than the power iteration's (see the
        // function's comment on closed groups of nodes).
        const stop = { stopEpsilon: 1e-10 / nodes, maxIterations: 10_000, dampingFactor };
        const passes = pagerankGaussSeidel(projection, stop).iterations;
        expect(passes).toBeLessThanOrEqual(1.5 * pagerankRun(projection, stop).iterations + 1);
      }
    }
  });

  it('runs at most maxIterations passes; 0 runs none, and an unchecked last sweep is returned as it is', () => {
    const graph = randomMultigraph(300, 1_200, 3);
    const none = pagerankGaussSeidel(graph, { maxIterations: 0 });
    expect(none.iterations).toBe(0);
    expect(none.lastMaxChange).toBe(0);
    none.ranks.forEach((rank) => expect(rank).toBeCloseTo(1 / 300, 15));
    const capped = pagerankGaussSeidel(graph, { stopEpsilon: 0, maxIterations: 7 });
    expect(capped.iterations).toBe(7);
    expect(capped.lastMaxChange).toBeGreaterThan(0);
    expect(capped.ranks.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(maxAbsDifference(capped.ranks, pagerankRun(graph, converge).ranks)).toBeGreaterThan(1e-12);
  });

  it('handles the empty graph and rejects what pagerankRun rejects', () => {
    expect(pagerankGaussSeidel(projectionOf([], []))).toEqual({
      ranks: new Float64Array(0),
      iterations: 0,
      lastMaxChange: 0,
    });
    const graph = projectionOf(['a'], []);
    expect(() => pagerankGaussSeidel(graph, { maxIterations: -1 })).toThrow(RangeError);
    expect(() => pagerankGaussSeidel(graph, { maxIterations: 1.5 })).toThrow(RangeError);
    expect(() => pagerankGaussSeidel(graph, { dampingFactor: 1.2 })).toThrow(RangeError);
    expect(() => pagerankGaussSeidel(graph, { stopEpsilon: Number.NaN })).toThrow(RangeError);
  });

  describe('on the twitch-demo graph', () => {
    let projection: GraphProjection;
    beforeAll(async () => {
      const store = EmbeddedGraphStore.inMemory();
      await importSeedDirectory(demoDatasetDir(), store);
      projection = await store.projection();
    });

    it('agrees with the power iteration to 1e-12, run to the igraph benchmark’s accuracy, in no more passes', () => {
      const stop = { stopEpsilon: 1e-10 / projection.nodes.length, maxIterations: 1_000 };
      const power = pagerankRun(projection, stop);
      const solved = pagerankGaussSeidel(projection, stop);
      expect(maxAbsDifference(solved.ranks, power.ranks)).toBeLessThan(1e-12);
      expect(maxAbsDifference(solved.ranks, pagerankRun(projection, converge).ranks)).toBeLessThan(1e-12);
      expect(solved.iterations).toBeLessThanOrEqual(power.iterations);
    });
  });
});
