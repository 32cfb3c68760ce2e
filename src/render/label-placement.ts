/**
 * Greedy label placement: the most important label first, each at the first of eight spots around its
 * node that stays inside the plot and clear of every label already placed, preferring spots that cover
 * fewer nodes. A label with no free spot is dropped rather than drawn over another: an unreadable pile
 * of text helps no one, and the node is still there.
 */

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Circle {
  x: number;
  y: number;
  r: number;
}

export interface LabelRequest {
  /** The node the label belongs to. */
  id: string;
  text: string;
  font: string;
  /** Size of the label box (text plus its halo). */
  width: number;
  height: number;
  /** The node's circle; the label goes beside it. */
  anchor: Circle;
}

export interface PlacedLabel extends Box {
  id: string;
  text: string;
  font: string;
}

/** True when the boxes share any area (touching edges do not count). */
export function boxesIntersect(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function circleHitsBox(c: Circle, b: Box): boolean {
  const nx = Math.max(b.x, Math.min(c.x, b.x + b.width));
  const ny = Math.max(b.y, Math.min(c.y, b.y + b.height));
  const dx = c.x - nx;
  const dy = c.y - ny;
  return dx * dx + dy * dy < c.r * c.r;
}

function inside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Spots around a node, in order of preference: right, left, below, above, then the diagonals. */
function candidates({ anchor: { x, y, r }, width: w, height: h }: LabelRequest, gap: number): Box[] {
  const d = r * Math.SQRT1_2;
  const spots: [number, number][] = [
    [x + r + gap, y - h / 2],
    [x - r - gap - w, y - h / 2],
    [x - w / 2, y + r + gap],
    [x - w / 2, y - r - gap - h],
    [x + d + gap, y - d - gap - h],
    [x + d + gap, y + d + gap],
    [x - d - gap - w, y - d - gap - h],
    [x - d - gap - w, y + d + gap],
  ];
  return spots.map(([bx, by]) => ({ x: bx, y: by, width: w, height: h }));
}

/**
 * Place labels in the order given (most important first). `obstacles` are all node circles; `bounds` is
 * the area labels must stay in. The result never contains two intersecting boxes.
 */
export function placeLabels(
  requests: readonly LabelRequest[],
  obstacles: readonly Circle[],
  bounds: Box,
  gap = 2,
): PlacedLabel[] {
  const placed: PlacedLabel[] = [];
  for (const request of requests) {
    let best: Box | undefined;
    let bestCover = Number.POSITIVE_INFINITY;
    for (const spot of candidates(request, gap)) {
      if (!inside(spot, bounds)) continue;
      if (placed.some((other) => boxesIntersect(spot, other))) continue;
      let cover = 0;
      for (const circle of obstacles) if (circleHitsBox(circle, spot)) cover += 1;
      if (cover < bestCover) {
        best = spot;
        bestCover = cover;
        if (cover === 0) break;
      }
    }
    if (best !== undefined) placed.push({ ...best, id: request.id, text: request.text, font: request.font });
  }
  return placed;
}
