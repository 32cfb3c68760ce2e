/**
 * PageRank on hand-built graphs whose MAGE results can be worked out on paper (d = 0.85 throughout).
 */
import { describe, expect, it } from 'vitest';
import { pagerank, pagerankRun } from '../../src/graph/algorithms/pagerank.js';
import { projectionOf } from './reference-fixtures.js';

const converge = { stopEpsilon: 1e-15, maxIterations: 1_000 };

function expectRanks(actual: Float64Array, expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 12));
}

describe('pagerank (MAGE definition)', () => {
  it('counts each parallel relationship, in the target sum and in the out-degree', () => {
    // a→b twice, a→c once: outdeg(a) = 3, so b gets 2/3 of a's share and c 1/3. Nothing points at a, so from
    // the first iteration on a = 0.15/3 = 0.05; b = 0.05(1 + 0.85·2/3), c = 0.05(1 + 0.85/3); iteration 3
    // changes nothing and stops. Sum = 0.05·3.85. (Counting a→b once would make b and c equal: 1.425/3.85.)
    const run = pagerankRun(
      projectionOf(
        ['a', 'b', 'c'],
        [
          [0, 1],
          [0, 1],
          [0, 2],
        ],
      ),
    );
    expect(run.iterations).toBe(3);
    expectRanks(run.ranks, [1 / 3.85, (1 + (0.85 * 2) / 3) / 3.85, (1 + 0.85 / 3) / 3.85]);
  });

  it('counts a self-loop as an out-relationship that feeds the node itself', () => {
    // a→a and a→b: each gets d·a/2, so a(t+1) = b(t+1) = 0.075 + 0.425·a(t): equal ranks, 1/2 each.
    // Ignoring the self-loop would give a = 0.075, b = 0.075·1.85, i.e. 1/2.85 and 1.85/2.85.
    const run = pagerankRun(
      projectionOf(
        ['a', 'b'],
        [
          [0, 0],
          [0, 1],
        ],
      ),
    );
    expectRanks(run.ranks, [0.5, 0.5]);
    // a(t) - f = (1/2 - f)·0.425^t with f = 0.075/0.575, so iteration t moves both by 0.2125·0.425^(t-1):
    // 1.7e-5 at t = 12, 7.4e-6 at t = 13, the first that is ≤ 1e-5.
    expect(run.iterations).toBe(13);
    expect(run.lastMaxChange).toBeCloseTo(0.2125 * 0.425 ** 12, 15);
  });

  it('lets the rank of a node without out-relationships leak, then divides by the total', () => {
    // a→b→c, c has no out-relationship. a = 0.05 from iteration 1, b = 0.05 + 0.85·0.05 from iteration 2,
    // c = 0.05 + 0.85·b from iteration 3; iteration 4 changes nothing. c's rank is not handed back (NetworkX
    // would spread it over all three nodes), so the ranks sum to 0.271125 before the final division.
    const run = pagerankRun(
      projectionOf(
        ['a', 'b', 'c'],
        [
          [0, 1],
          [1, 2],
        ],
      ),
    );
    const b = 0.05 + 0.85 * 0.05;
    const c = 0.05 + 0.85 * b;
    const total = 0.05 + b + c;
    expect(total).toBeCloseTo(0.271125, 12);
    expect(run.iterations).toBe(4);
    expectRanks(run.ranks, [0.05 / total, b / total, c / total]);
  });

  it('stops after maxIterations, and maxIterations = 0 runs none', () => {
    // a→a, a→b, b→c; from 1/3 each: iteration 1 gives a = b = 0.05 + 0.425/3, c = 0.05 + 0.85/3;
    // iteration 2 gives a = b = 0.05 + 0.425·a1, c = 0.05 + 0.85·a1.
    const graph = projectionOf(
      ['a', 'b', 'c'],
      [
        [0, 0],
        [0, 1],
        [1, 2],
      ],
    );
    const a1 = 0.05 + 0.425 / 3;
    const a2 = 0.05 + 0.425 * a1;
    const c2 = 0.05 + 0.85 * a1;
    const total = 2 * a2 + c2;
    const run = pagerankRun(graph, { maxIterations: 2 });
    expect(run.iterations).toBe(2);
    expectRanks(run.ranks, [a2 / total, a2 / total, c2 / total]);
    const none = pagerankRun(graph, { maxIterations: 0 });
    expect(none.iterations).toBe(0);
    expectRanks(none.ranks, [1 / 3, 1 / 3, 1 / 3]);
  });

  it('reaches the textbook fixed point when there are no sinks', () => {
    // A 3-cycle with a chord a→c: outdeg(a) = 2. Fixed point: a = 0.05 + 0.85c, b = 0.05 + 0.425a,
    // c = 0.05 + 0.85b + 0.425a. Substituting: a = 0.05 + 0.85(0.05 + 0.85(0.05 + 0.425a) + 0.425a).
    const a = (0.05 + 0.85 * (0.05 + 0.85 * 0.05)) / (1 - 0.85 * (0.85 * 0.425 + 0.425));
    const b = 0.05 + 0.425 * a;
    const c = 0.05 + 0.85 * b + 0.425 * a;
    expect(a + b + c).toBeCloseTo(1, 12);
    expectRanks(
      pagerank(
        projectionOf(
          ['a', 'b', 'c'],
          [
            [0, 1],
            [1, 2],
            [2, 0],
            [0, 2],
          ],
        ),
        converge,
      ),
      [a, b, c],
    );
  });

  it('handles graphs of zero, one and two nodes', () => {
    expect(pagerankRun(projectionOf([], []))).toEqual({
      ranks: new Float64Array(0),
      iterations: 0,
      lastMaxChange: 0,
    });
    expectRanks(pagerank(projectionOf(['a'], [])), [1]);
    expectRanks(pagerank(projectionOf(['a'], [[0, 0]])), [1]);
    // Two nodes without relationships: both 0.075 after one iteration, then unchanged.
    expectRanks(pagerank(projectionOf(['a', 'b'], [])), [0.5, 0.5]);
  });

  it('rejects options MAGE could not have been given', () => {
    const graph = projectionOf(['a'], []);
    expect(() => pagerank(graph, { maxIterations: -1 })).toThrow(RangeError);
    expect(() => pagerank(graph, { maxIterations: 1.5 })).toThrow(RangeError);
    expect(() => pagerank(graph, { dampingFactor: 1.2 })).toThrow(RangeError);
    expect(() => pagerank(graph, { stopEpsilon: Number.NaN })).toThrow(RangeError);
  });
});
