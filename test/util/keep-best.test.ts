import { describe, expect, it } from 'vitest';
import { keepBest } from '../../src/util/keep-best.js';
import { lowerBound } from '../../src/util/lower-bound.js';
import { seededRandom } from '../../src/util/seeded-random.js';

describe('keepBest', () => {
  it('keeps what a stable sort would put first, for any limit', () => {
    const random = seededRandom(3);
    // Few distinct values, so ties are common: the one offered first stays ahead.
    const items = Array.from({ length: 500 }, (_, id) => ({ id, score: Math.floor(random() * 20) }));
    const before = (a: { score: number }, b: { score: number }) => b.score - a.score;
    const sorted = [...items].sort(before);
    for (const limit of [0, 1, 7, 50, 500, 600]) {
      const best: typeof items = [];
      for (const item of items) keepBest(best, item, limit, before);
      expect(best).toEqual(sorted.slice(0, limit));
    }
  });
});

describe('lowerBound', () => {
  it('finds the first index not before the value, within the range', () => {
    const values = [1, 3, 3, 3, 7, 9];
    for (const value of [0, 1, 2, 3, 4, 7, 9, 10])
      expect(lowerBound(0, values.length, (i) => (values[i] as number) < value)).toBe(
        values.findIndex((v) => v >= value) === -1 ? values.length : values.findIndex((v) => v >= value),
      );
    expect(lowerBound(2, 4, (i) => (values[i] as number) < 3)).toBe(2);
    expect(lowerBound(2, 4, (i) => (values[i] as number) < 8)).toBe(4);
  });
});
