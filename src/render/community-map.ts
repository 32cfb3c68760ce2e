/**
 * The community map: channels as nodes coloured by community and sized by audience, links weighted by
 * shared chatters, the biggest channels labelled, a legend of communities. d3-force with a seeded random
 * source, so the same communities give the same picture.
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
import { createCanvas } from '@napi-rs/canvas';
import type { CommunityMapInput, CommunityMapLayoutOptions } from '../reply/picture.js';
import { seededRandom } from '../util/seeded-random.js';
import { font, registerFonts } from './fonts.js';
import type { Box, Circle, LabelRequest } from './label-placement.js';
import { placeLabels } from './label-placement.js';
import { encodePng } from './png.js';
import type { RenderedImage } from './rendered-image.js';
import { ellipsize, measureText } from './text.js';
import type { ThemeName } from './theme.js';
import { theme as themeByName, withAlpha } from './theme.js';

export interface CommunityMapOptions extends CommunityMapLayoutOptions {
  theme?: ThemeName;
}

/** Colour-blind-friendly qualitative palette (Okabe–Ito plus Tableau tones) for up to 12 communities. */
const PALETTE = [
  '#e69f00',
  '#56b4e9',
  '#2ebd7f',
  '#f0e442',
  '#a970ff',
  '#f25c54',
  '#e57ac0',
  '#3ee0d0',
  '#c9a66b',
  '#8fd14f',
  '#ff9da7',
  '#9c9ede',
];
const OTHER = '#8a8f98';

export const communityColor = (community: number): string =>
  community <= 0 ? OTHER : (PALETTE[(community - 1) % PALETTE.length] ?? OTHER);

interface SimNode extends SimulationNodeDatum {
  id: string;
  r: number;
}

const HEADER = 48;
const LEGEND_WIDTH = 250;
const FOOTER = 30;

export async function renderCommunityMap(
  input: CommunityMapInput,
  options: CommunityMapOptions = {},
): Promise<RenderedImage> {
  registerFonts();
  const width = options.width ?? 1100;
  const height = options.height ?? 800;
  const colors = themeByName(options.theme);
  const plot: Box = { x: 12, y: HEADER, width: width - LEGEND_WIDTH - 24, height: height - HEADER - FOOTER };

  // Area proportional to audience: radius by square root, between 4 and 30 pixels.
  const maxAudience = input.nodes.reduce((m, n) => Math.max(m, n.audience), 1);
  const radius = (audience: number) => 4 + 26 * Math.sqrt(Math.max(0, audience) / maxAudience);
  const nodes: SimNode[] = input.nodes.map((n) => ({ id: n.id, r: radius(n.audience) }));
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  // reduce, not Math.max(...): a big graph has hundreds of thousands of links, too many for arguments.
  const maxWeight = input.links.reduce((m, l) => Math.max(m, l.weight), 1);
  const links: (SimulationLinkDatum<SimNode> & { weight: number })[] = input.links
    .filter((l) => index.has(l.source) && index.has(l.target))
    .map((l) => ({ source: l.source, target: l.target, weight: l.weight }));
  const community = new Map(input.nodes.map((n) => [n.id, n.community]));

  const cx = plot.x + plot.width / 2;
  const cy = plot.y + plot.height / 2;
  const simulation = forceSimulation<SimNode>(nodes)
    .randomSource(seededRandom(options.seed ?? 1))
    .force(
      'link',
      forceLink<SimNode, SimulationLinkDatum<SimNode> & { weight: number }>(links)
        .id((n) => n.id)
        // Channels sharing many chatters pull together; the same community pulls harder still.
        .strength((l) => {
          const s = l.source as SimNode;
          const t = l.target as SimNode;
          const same = community.get(s.id) === community.get(t.id);
          return (same ? 0.6 : 0.08) * Math.sqrt(l.weight / maxWeight);
        })
        .distance(60),
    )
    .force('charge', forceManyBody<SimNode>().strength(-120))
    .force(
      'collide',
      forceCollide<SimNode>((n) => n.r + 3),
    )
    .force('x', forceX<SimNode>(cx).strength(0.06))
    .force('y', forceY<SimNode>(cy).strength(0.08))
    .force('center', forceCenter(cx, cy))
    .stop();
  simulation.tick(300);

  // Fit the layout into the plot area.
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    minX = Math.min(minX, (n.x ?? 0) - n.r);
    maxX = Math.max(maxX, (n.x ?? 0) + n.r);
    minY = Math.min(minY, (n.y ?? 0) - n.r);
    maxY = Math.max(maxY, (n.y ?? 0) + n.r);
  }
  const pad = 40;
  const scale = Math.min(
    1.6,
    (plot.width - 2 * pad) / Math.max(1, maxX - minX),
    (plot.height - 2 * pad) / Math.max(1, maxY - minY),
  );
  const placeX = (x: number) =>
    plot.x + pad + (x - minX) * scale + (plot.width - 2 * pad - (maxX - minX) * scale) / 2;
  const placeY = (y: number) =>
    plot.y + pad + (y - minY) * scale + (plot.height - 2 * pad - (maxY - minY) * scale) / 2;
  const at = nodes.map((n) => ({ x: placeX(n.x ?? 0), y: placeY(n.y ?? 0), r: n.r }));

  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, width, height);

  // Links: lightest first; width and opacity by shared chatters.
  for (const link of [...links].sort((a, b) => a.weight - b.weight)) {
    const a = at[index.get((link.source as SimNode).id) ?? -1];
    const b = at[index.get((link.target as SimNode).id) ?? -1];
    if (a === undefined || b === undefined) continue;
    const share = Math.sqrt(link.weight / maxWeight);
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.strokeStyle = withAlpha(colors.link, 0.15 + 0.6 * share);
    ctx.lineWidth = 0.5 + 5 * share;
    ctx.stroke();
  }
  // Nodes: small first so big channels stay on top.
  const order = input.nodes.map((_, i) => i).sort((i, j) => (at[i]?.r ?? 0) - (at[j]?.r ?? 0));
  for (const i of order) {
    const node = input.nodes[i];
    const p = at[i];
    if (node === undefined || p === undefined) continue;
    ctx.beginPath();
    ctx.arc(p.x, p.y, p.r, 0, Math.PI * 2);
    ctx.fillStyle = communityColor(node.community);
    ctx.fill();
    ctx.lineWidth = node.highlight === true ? 4 : 1.25;
    ctx.strokeStyle = node.highlight === true ? colors.text : colors.background;
    ctx.stroke();
  }

  // Labels for the biggest channels (and the highlighted one), placed clear of nodes and of each other.
  const labelFont = font(13);
  const wanted = input.nodes
    .map((n, i) => ({ n, i }))
    .sort(
      (a, b) =>
        Number(b.n.highlight === true) - Number(a.n.highlight === true) || b.n.audience - a.n.audience,
    )
    .slice(0, options.maxLabels ?? 30);
  const requests: LabelRequest[] = [];
  for (const { n, i } of wanted) {
    const p = at[i];
    if (p === undefined) continue;
    const text = ellipsize(n.label, 160, labelFont);
    requests.push({
      id: n.id,
      text,
      font: labelFont,
      width: measureText(text, labelFont) + 6,
      height: 18,
      anchor: { x: p.x, y: p.y, r: p.r },
    });
  }
  const obstacles: Circle[] = at.map((p) => ({ x: p.x, y: p.y, r: p.r }));
  for (const label of placeLabels(requests, obstacles, plot)) {
    ctx.font = label.font;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = colors.background;
    ctx.strokeText(label.text, label.x + 3, label.y + label.height / 2);
    ctx.fillStyle = colors.text;
    ctx.fillText(label.text, label.x + 3, label.y + label.height / 2);
  }

  // Title, legend, footer.
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  ctx.font = font(22, 'bold');
  ctx.fillStyle = colors.text;
  ctx.fillText(ellipsize(input.title, width - 32, font(22, 'bold')), 16, 26);
  const legendX = width - LEGEND_WIDTH;
  let y = HEADER + 10;
  ctx.font = font(13);
  for (const [community, text] of input.legend) {
    if (y > height - FOOTER - 20) break;
    ctx.beginPath();
    ctx.arc(legendX + 8, y, 7, 0, Math.PI * 2);
    ctx.fillStyle = communityColor(community);
    ctx.fill();
    ctx.fillStyle = colors.muted;
    ctx.fillText(ellipsize(text, LEGEND_WIDTH - 30, font(13)), legendX + 22, y);
    y += 22;
  }
  ctx.font = font(12);
  ctx.fillStyle = colors.muted;
  ctx.fillText(ellipsize(input.footer, width - 32, font(12)), 16, height - FOOTER / 2);

  return { png: await encodePng(canvas), width, height };
}
