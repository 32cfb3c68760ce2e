/**
 * Where everything in a graph picture goes, computed before any pixel is drawn: which nodes are kept,
 * their d3-force positions, sizes, label boxes, the legend and the footer text. Pure and deterministic:
 * the same input and seed give the same layout, whatever order the store returned the nodes in.
 */
import type { SimulationLinkDatum, SimulationNodeDatum } from 'd3-force';
import {
  forceCenter,
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
} from 'd3-force';
import type { NodeLabel, RelationshipType } from '../domain/graph-records.js';
import type { GraphImageInput, GraphImageNode, GraphLayoutOptions } from '../reply/picture.js';
import { seededRandom } from '../util/seeded-random.js';
import { font } from './fonts.js';
import type { Box, LabelRequest, PlacedLabel } from './label-placement.js';
import { placeLabels } from './label-placement.js';
import type { NodeCategory, RoleLink } from './theme.js';
import { NODE_CATEGORIES, NODE_CATEGORY_NAMES, ROLE_LINK_NAMES, ROLE_LINKS } from './theme.js';
import type { MeasureText } from './text.js';
import { ellipsize, formatValue, measureText } from './text.js';

export const GRAPH_DEFAULTS = { width: 1000, height: 750, seed: 1, maxNodes: 300, maxLabels: 60 } as const;

export interface LaidOutNode {
  id: string;
  kind: NodeLabel;
  category: NodeCategory;
  label: string;
  weight?: number;
  degree: number;
  center: boolean;
  /** Holds a badge in the picture (a VIP or moderator link from it): drawn bigger, ringed in its colour. */
  role?: RoleLink;
  x: number;
  y: number;
  r: number;
}

export interface LaidOutLink {
  /** Indexes into `nodes`. */
  source: number;
  target: number;
  type?: RelationshipType;
}

export type LegendItem =
  | {
      what: 'node';
      category: NodeCategory;
      text: string;
      swatch: { x: number; y: number; r: number };
      textX: number;
      /** Middle of the text line. */
      y: number;
    }
  | { what: 'link'; type: RoleLink; text: string; swatch: Box; textX: number; y: number };

export interface GraphLayout {
  width: number;
  height: number;
  title: { text: string; font: string; x: number; y: number };
  legend: { items: LegendItem[]; font: string };
  footer: { text: string; font: string; x: number; y: number };
  /** Where nodes and labels are drawn. */
  plot: Box;
  nodes: LaidOutNode[];
  links: LaidOutLink[];
  labels: PlacedLabel[];
  /** Nodes drawn, nodes known, and the difference ("+K more"). */
  shown: number;
  total: number;
  more: number;
}

const STRUCTURAL: ReadonlySet<NodeLabel> = new Set(['Game', 'Language', 'Team']);

const isRoleLink = (type: RelationshipType | undefined): boolean => ROLE_LINKS.some((role) => role === type);

/** Radii in pixels before scaling for crowded pictures. */
const RADIUS = {
  center: 24,
  min: 4,
  max: 18,
  unmeasured: { User: 4.5, Stream: 9, Game: 10, Language: 10, Team: 10 },
};

const HEADER = { titleSize: 24, legendSize: 14, footerSize: 13, margin: 16 };
const LEGEND_ROW = 22;
const LABEL = { size: 13, centerSize: 15, maxWidth: 180, pad: 3, structural: 12 };

interface SimNode extends SimulationNodeDatum {
  r: number;
}

/**
 * The nodes to draw when there are more than `maxNodes`: the centre, then games, languages and teams (the
 * structure people read the picture by), then the heaviest by weight, then by degree. O(n log n), run
 * before layout so that a 50k-chatter channel costs a sort, not a 50k-node simulation.
 */
export function selectNodes(
  input: GraphImageInput,
  maxNodes: number,
): { nodes: GraphImageNode[]; degree: Map<string, number> } {
  const unique = new Map<string, GraphImageNode>();
  for (const node of input.nodes) if (!unique.has(node.id)) unique.set(node.id, node);
  const degree = new Map<string, number>();
  for (const link of input.links) {
    if (!unique.has(link.source) || !unique.has(link.target)) continue;
    degree.set(link.source, (degree.get(link.source) ?? 0) + 1);
    degree.set(link.target, (degree.get(link.target) ?? 0) + 1);
  }
  const tier = (n: GraphImageNode) => (n.id === input.centerId ? 0 : STRUCTURAL.has(n.kind) ? 1 : 2);
  const sorted = [...unique.values()].sort(
    (a, b) =>
      tier(a) - tier(b) ||
      (b.weight ?? Number.NEGATIVE_INFINITY) - (a.weight ?? Number.NEGATIVE_INFINITY) ||
      (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return { nodes: sorted.slice(0, Math.max(1, maxNodes)), degree };
}

/** Share of the plot that node discs may cover before every node is shrunk to make room. */
const AREA_BUDGET = 0.18;

/** VIPs and moderators are drawn at least this big whatever their weight: they are what a moderator looks for. */
const ROLE_RADIUS = 11;

function radii(
  nodes: readonly GraphImageNode[],
  centerId: string | undefined,
  plot: Box,
  roles: ReadonlyMap<number, RoleLink> = new Map(),
): number[] {
  let maxWeight = 0;
  for (const node of nodes)
    if (node.id !== centerId && node.weight !== undefined && node.weight > maxWeight) maxWeight = node.weight;
  const nominal = nodes.map((node, i) => {
    if (node.id === centerId) return RADIUS.center;
    const least = roles.has(i) ? ROLE_RADIUS : 0;
    if (node.weight === undefined || maxWeight <= 0) return Math.max(least, RADIUS.unmeasured[node.kind]);
    // Area proportional to weight, so twice the messages look twice as big, not four times.
    const share = Math.sqrt(Math.max(0, node.weight) / maxWeight);
    return Math.max(least, RADIUS.min + (RADIUS.max - RADIUS.min) * share);
  });
  // Crowded pictures get smaller nodes (all alike, so sizes still compare) until the discs cover no more
  // than the budget; below 40% nodes stop being readable, and the cut to maxNodes is what helps then.
  const area = nominal.reduce((sum, r) => sum + Math.PI * r * r, 0);
  const scale = Math.max(
    0.4,
    Math.min(1, Math.sqrt((AREA_BUDGET * plot.width * plot.height) / Math.max(1, area))),
  );
  return nominal.map((r) => r * scale);
}

/** d3-force with a fixed number of ticks; positions in layout units centred on 0. */
function simulate(
  nodes: readonly GraphImageNode[],
  links: readonly LaidOutLink[],
  r: readonly number[],
  centerIndex: number,
  plot: Box,
  seed: number,
): SimNode[] {
  const n = nodes.length;
  // Spacing that would fill the plot evenly; link length and repulsion follow it, so small and large
  // graphs both come out filling the frame before the final fit.
  const spacing = Math.sqrt((plot.width * plot.height) / Math.max(1, n));
  const linkDistance = Math.max(24, Math.min(110, spacing * 0.9));
  // Start from seeded random spots in a disc (d3 would use a fixed spiral, which leaves the seed no
  // say): the seed picks the arrangement, and the same seed always the same one.
  const random = seededRandom(seed);
  const spread = linkDistance * Math.sqrt(n) * 0.5;
  const sim: SimNode[] = nodes.map((_, i) => {
    const angle = random() * 2 * Math.PI;
    const distance = spread * Math.sqrt(random());
    return { r: r[i] ?? RADIUS.min, x: distance * Math.cos(angle), y: distance * Math.sin(angle) };
  });
  const centre = sim[centerIndex];
  if (centre !== undefined) {
    centre.x = centre.fx = 0;
    centre.y = centre.fy = 0;
  }
  // d3's default run is 300 ticks (alpha 1 → 0.001). On this project's 2-core target a tick of a
  // 300-node graph costs about a millisecond with collision on, so larger graphs get fewer ticks (a
  // fixed budget of node-ticks, which keeps render time bounded); the cooling rate follows so every
  // run ends cold.
  const ticks = Math.max(60, Math.min(300, Math.round(30_000 / Math.max(1, n))));
  const simLinks: SimulationLinkDatum<SimNode>[] = links.map((l) => ({ source: l.source, target: l.target }));
  const simulation = forceSimulation<SimNode>(sim)
    .randomSource(random)
    .alphaDecay(1 - Math.pow(0.001, 1 / ticks))
    .force('link', forceLink<SimNode, SimulationLinkDatum<SimNode>>(simLinks).distance(linkDistance))
    // theta 1.5 (d3: 0.9) approximates far-away groups more coarsely: at a few hundred nodes the picture
    // barely changes, and the charge force, the largest cost of a tick, needs about 30% less CPU.
    .force(
      'charge',
      forceManyBody<SimNode>()
        .strength(-Math.max(30, spacing * 0.8))
        .theta(1.5),
    )
    .force('center', forceCenter<SimNode>(0, 0))
    // Weak pulls towards the middle keep parts that are not connected from drifting off the frame.
    .force('x', forceX<SimNode>(0).strength(0.04))
    .force('y', forceY<SimNode>(0).strength(0.04 * (plot.width / plot.height)))
    .stop();
  // Collision only matters once the graph has unfolded, and it is the costliest force (its quadtree
  // visits grow with the largest radius); switching it on for the last 40% of the run gives the same
  // final spacing for well under half the work.
  const unfold = Math.round(ticks * 0.6);
  simulation.tick(unfold);
  simulation.force(
    'collide',
    forceCollide<SimNode>((d) => d.r + 3),
  );
  simulation.tick(ticks - unfold);
  return sim;
}

/**
 * Fit the simulated picture into the plot, centred. A picture larger than the plot is shrunk as a whole,
 * radii included, so the spacing the collide force made survives; a small one is spread out (at most
 * 3×: a few nodes strewn across the frame read as unrelated) with radii kept.
 */
function fit(sim: readonly SimNode[], plot: Box, pad: number): { x: number; y: number; r: number }[] {
  let minX = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  let maxR = 0;
  for (const d of sim) {
    const x = d.x ?? 0;
    const y = d.y ?? 0;
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
    maxR = Math.max(maxR, d.r);
  }
  const room = (span: number, size: number) => (size - 2 * pad) / Math.max(1, span);
  const wanted = Math.min(
    room(maxX - minX + 2 * maxR, plot.width),
    room(maxY - minY + 2 * maxR, plot.height),
  );
  const spread = Math.min(3, wanted);
  const shrink = Math.min(1, spread);
  const cx = plot.x + plot.width / 2;
  const cy = plot.y + plot.height / 2;
  const midX = (minX + maxX) / 2;
  const midY = (minY + maxY) / 2;
  return sim.map((d) => ({
    x: cx + ((d.x ?? 0) - midX) * spread,
    y: cy + ((d.y ?? 0) - midY) * spread,
    r: Math.max(1.5, d.r * shrink),
  }));
}

/** Legend entries for the kinds and role links in the picture, wrapping onto more rows when narrow. */
function legendItems(
  categories: ReadonlySet<NodeCategory>,
  linkTypes: ReadonlySet<RelationshipType | undefined>,
  width: number,
  top: number,
  measure: MeasureText,
): { items: LegendItem[]; font: string; bottom: number } {
  const legendFont = font(HEADER.legendSize);
  const entries: { text: string; make: (x: number, y: number) => LegendItem; swatch: number }[] = [];
  for (const category of NODE_CATEGORIES) {
    if (!categories.has(category)) continue;
    const text = NODE_CATEGORY_NAMES[category];
    entries.push({
      text,
      swatch: 20,
      make: (x, y) => ({ what: 'node', category, text, swatch: { x: x + 7, y, r: 7 }, textX: x + 20, y }),
    });
  }
  for (const type of ROLE_LINKS) {
    if (!linkTypes.has(type)) continue;
    const text = `${ROLE_LINK_NAMES[type]} link`;
    entries.push({
      text,
      swatch: 28,
      make: (x, y) => ({
        what: 'link',
        type,
        text,
        swatch: { x, y: y - 2, width: 22, height: 4 },
        textX: x + 28,
        y,
      }),
    });
  }
  const items: LegendItem[] = [];
  let x = HEADER.margin;
  let y = top;
  for (const entry of entries) {
    const w = entry.swatch + measure(entry.text, legendFont);
    if (x > HEADER.margin && x + w > width - HEADER.margin) {
      x = HEADER.margin;
      y += LEGEND_ROW;
    }
    items.push(entry.make(x, y));
    x += w + 18;
  }
  return { items, font: legendFont, bottom: y + LEGEND_ROW / 2 };
}

function footerText(
  input: GraphImageInput,
  sized: boolean,
  shown: number,
  total: number,
  more: number,
): string {
  const count =
    more > 0
      ? `${formatValue(shown)} of ${formatValue(total)} nodes shown, +${formatValue(more)} more`
      : `${formatValue(shown)} nodes`;
  return [
    input.caption,
    count,
    input.measure === undefined || !sized ? undefined : `node size: ${input.measure}`,
  ]
    .filter((part) => part !== undefined && part !== '')
    .join(' · ');
}

/** Lay out a graph picture: cut, simulate, fit, size, label. */
export function layoutGraph(
  input: GraphImageInput,
  options: GraphLayoutOptions = {},
  measure: MeasureText = measureText,
): GraphLayout {
  const width = options.width ?? GRAPH_DEFAULTS.width;
  const height = options.height ?? GRAPH_DEFAULTS.height;
  const seed = options.seed ?? GRAPH_DEFAULTS.seed;
  const maxNodes = options.maxNodes ?? GRAPH_DEFAULTS.maxNodes;
  const maxLabels = options.maxLabels ?? GRAPH_DEFAULTS.maxLabels;

  const { nodes: kept, degree: fullDegree } = selectNodes(input, maxNodes);
  const uniqueCount = new Set(input.nodes.map((n) => n.id)).size;
  const total = uniqueCount + (input.omitted ?? 0);
  const more = total - kept.length;

  // Sort by id so that the picture depends on the graph, not on the order a backend returned it in
  // (d3 places nodes initially by index).
  const chosen = [...kept].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const index = new Map(chosen.map((n, i) => [n.id, i]));
  const links: LaidOutLink[] = [];
  const seen = new Set<string>();
  for (const link of input.links) {
    const source = index.get(link.source);
    const target = index.get(link.target);
    if (source === undefined || target === undefined || source === target) continue;
    const key = `${source}\u0000${target}\u0000${link.type ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push(link.type === undefined ? { source, target } : { source, target, type: link.type });
  }
  links.sort(
    (a, b) => a.source - b.source || a.target - b.target || (a.type ?? '').localeCompare(b.type ?? ''),
  );

  const titleFont = font(HEADER.titleSize, 'bold');
  const legendY = HEADER.margin + HEADER.titleSize + 22;
  const legend = legendItems(
    new Set(chosen.map((n) => (n.bot === true && n.kind === 'User' ? 'Bot' : n.kind))),
    new Set(links.map((l) => l.type)),
    width,
    legendY,
    measure,
  );
  const plotTop = legend.bottom + 8;
  const plot: Box = {
    x: HEADER.margin,
    y: plotTop,
    width: width - 2 * HEADER.margin,
    height: height - plotTop - (HEADER.footerSize + 22),
  };
  // A node with a VIP or moderator link is a badge holder; a moderator badge outranks a VIP one.
  const roles = new Map<number, RoleLink>();
  for (const link of links)
    if (link.type === 'MODERATOR' || (link.type === 'VIP' && !roles.has(link.source)))
      roles.set(link.source, link.type);
  const r = radii(chosen, input.centerId, plot, roles);
  const centerIndex = input.centerId === undefined ? -1 : (index.get(input.centerId) ?? -1);
  const sim = simulate(chosen, links, r, centerIndex, plot, seed);
  const positions = fit(sim, plot, 6);

  const nodes: LaidOutNode[] = chosen.map((node, i) => {
    const at = positions[i] ?? { x: 0, y: 0, r: RADIUS.min };
    const laid: LaidOutNode = {
      id: node.id,
      kind: node.kind,
      category: node.bot === true && node.kind === 'User' ? 'Bot' : node.kind,
      label: node.label,
      degree: fullDegree.get(node.id) ?? 0,
      center: node.id === input.centerId,
      x: at.x,
      y: at.y,
      r: at.r,
    };
    if (node.weight !== undefined) laid.weight = node.weight;
    const role = roles.get(i);
    if (role !== undefined && node.id !== input.centerId) laid.role = role;
    return laid;
  });

  // Most important first: the centre; then the best-connected games, languages and teams (what the
  // picture is read by, and few enough not to crowd out the rest); then the biggest nodes.
  const structure = new Set(
    nodes
      .filter((n) => STRUCTURAL.has(n.kind))
      .sort((a, b) => b.degree - a.degree || (a.id < b.id ? -1 : 1))
      .slice(0, LABEL.structural)
      .map((n) => n.id),
  );
  // VIPs and moderators are named before plain chatters: they are why one looks at a channel's picture.
  const roleHolders = new Set<number>();
  for (const link of links) if (isRoleLink(link.type)) roleHolders.add(link.source).add(link.target);
  const tier = (n: LaidOutNode, i: number) =>
    n.center ? 0 : structure.has(n.id) ? 1 : roleHolders.has(i) ? 2 : 3;
  const byImportance = nodes
    .map((node, i) => ({ node, i }))
    .sort(
      (a, b) =>
        tier(a.node, a.i) - tier(b.node, b.i) ||
        b.node.r - a.node.r ||
        b.node.degree - a.node.degree ||
        a.i - b.i,
    )
    .slice(0, maxLabels);
  const requests: LabelRequest[] = byImportance.map(({ node }) => {
    const size = node.center ? LABEL.centerSize : LABEL.size;
    const labelFont = font(size, node.center ? 'bold' : 'normal');
    const text = ellipsize(node.label, LABEL.maxWidth, labelFont, measure);
    return {
      id: node.id,
      text,
      font: labelFont,
      width: Math.ceil(measure(text, labelFont)) + 2 * LABEL.pad,
      height: size + 2 * LABEL.pad + 2,
      anchor: { x: node.x, y: node.y, r: node.r },
    };
  });
  const labels = placeLabels(
    requests,
    nodes.map((n) => ({ x: n.x, y: n.y, r: n.r })),
    plot,
  );

  const footerFont = font(HEADER.footerSize);
  // Name the measure only when it sized something: CSV imports have no message counts.
  const sized = nodes.some((n) => !n.center && n.weight !== undefined);
  return {
    width,
    height,
    title: {
      text: ellipsize(input.title, width - 2 * HEADER.margin, titleFont, measure),
      font: titleFont,
      x: HEADER.margin,
      y: HEADER.margin + HEADER.titleSize / 2 + 2,
    },
    legend: { items: legend.items, font: legend.font },
    footer: {
      text: ellipsize(
        footerText(input, sized, nodes.length, total, more),
        width - 2 * HEADER.margin,
        footerFont,
        measure,
      ),
      font: footerFont,
      x: HEADER.margin,
      y: height - 6 - HEADER.footerSize / 2 - 4,
    },
    plot,
    nodes,
    links,
    labels,
    shown: nodes.length,
    total,
    more,
  };
}
