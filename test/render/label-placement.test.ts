import { describe, expect, it } from 'vitest';
import type { Box, LabelRequest } from '../../src/render/label-placement.js';
import { boxesIntersect, placeLabels } from '../../src/render/label-placement.js';
import { seededRandom } from '../../src/util/seeded-random.js';

const bounds: Box = { x: 0, y: 0, width: 400, height: 300 };

function request(id: string, x: number, y: number, width = 60, r = 5): LabelRequest {
  return { id, text: id, font: '12px x', width, height: 18, anchor: { x, y, r } };
}

describe('boxesIntersect', () => {
  it('sees overlap but not edges that only touch', () => {
    const a = { x: 0, y: 0, width: 10, height: 10 };
    expect(boxesIntersect(a, { x: 5, y: 5, width: 10, height: 10 })).toBe(true);
    expect(boxesIntersect(a, { x: 10, y: 0, width: 10, height: 10 })).toBe(false);
    expect(boxesIntersect(a, { x: 2, y: 2, width: 2, height: 2 })).toBe(true);
  });
});

describe('placeLabels', () => {
  it('puts a lone label to the right of its node', () => {
    const [label] = placeLabels([request('a', 100, 100)], [{ x: 100, y: 100, r: 5 }], bounds);
    expect(label).toMatchObject({ id: 'a', x: 107, y: 91 });
  });

  it('moves a label to another side when the right is taken, and drops it when all sides are', () => {
    const placed = placeLabels([request('a', 100, 100), request('b', 100, 100)], [], bounds);
    expect(placed).toHaveLength(2);
    expect(placed[1]?.x).toBeLessThan(100);

    // Nine labels on one spot: only eight free sides exist, and some of those overlap each other.
    const crowd = placeLabels(
      Array.from({ length: 9 }, (_, i) => request(`n${i}`, 200, 150)),
      [],
      bounds,
    );
    expect(crowd.length).toBeLessThan(9);
  });

  it('keeps labels inside the bounds', () => {
    const placed = placeLabels([request('edge', 395, 5, 80)], [], bounds);
    for (const label of placed) {
      expect(label.x).toBeGreaterThanOrEqual(0);
      expect(label.x + label.width).toBeLessThanOrEqual(400);
      expect(label.y).toBeGreaterThanOrEqual(0);
    }
  });

  it('never returns two intersecting labels, however crowded', () => {
    const random = seededRandom(3);
    const requests = Array.from({ length: 200 }, (_, i) =>
      request(`n${i}`, random() * 400, random() * 300, 30 + random() * 80),
    );
    const placed = placeLabels(
      requests,
      requests.map((r) => r.anchor),
      bounds,
    );
    expect(placed.length).toBeGreaterThan(10);
    for (let i = 0; i < placed.length; i++)
      for (let j = i + 1; j < placed.length; j++) {
        const a = placed[i];
        const b = placed[j];
        if (a !== undefined && b !== undefined) expect(boxesIntersect(a, b), `${a.id} × ${b.id}`).toBe(false);
      }
  });
});
