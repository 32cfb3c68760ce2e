/** Draw a laid-out graph (see graph-layout.ts) as a PNG. */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';
import type { GraphImageInput, GraphLayoutOptions } from '../reply/picture.js';
import { registerFonts } from './fonts.js';
import type { GraphLayout, LaidOutNode } from './graph-layout.js';
import { layoutGraph } from './graph-layout.js';
import { encodePng } from './png.js';
import type { RenderedImage } from './rendered-image.js';
import type { Theme, ThemeName } from './theme.js';
import { ROLE_LINKS, theme as themeByName, withAlpha } from './theme.js';

export interface GraphImageOptions extends GraphLayoutOptions {
  /** Discord's dark theme by default. */
  theme?: ThemeName;
}

const isRole = (type: string | undefined): type is (typeof ROLE_LINKS)[number] =>
  ROLE_LINKS.some((role) => role === type);

function drawLinks(ctx: SKRSContext2D, layout: GraphLayout, colors: Theme): void {
  // One path per style: thousands of separate strokes cost far more than a few long paths.
  const many = layout.links.length > 400;
  const styles: { color: string; width: number; match: (type: string | undefined) => boolean }[] = [
    {
      color: withAlpha(colors.link, many ? 0.35 : 0.6),
      width: 1,
      match: (t) => t === 'CHATTER' || t === undefined,
    },
    {
      color: withAlpha(colors.link, 0.9),
      width: 1.5,
      match: (t) => t !== undefined && t !== 'CHATTER' && !isRole(t),
    },
    ...ROLE_LINKS.map((role) => ({
      color: colors.roleLink[role],
      width: 2,
      match: (t: string | undefined) => t === role,
    })),
  ];
  for (const style of styles) {
    ctx.beginPath();
    let any = false;
    for (const link of layout.links) {
      if (!style.match(link.type)) continue;
      const a = layout.nodes[link.source];
      const b = layout.nodes[link.target];
      if (a === undefined || b === undefined) continue;
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      any = true;
    }
    if (!any) continue;
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width;
    ctx.stroke();
  }
}

function drawNodes(ctx: SKRSContext2D, layout: GraphLayout, colors: Theme): void {
  // Users first, then games, languages and teams, then streams, the centre last, each group small to
  // large: what a picture is about is never hidden under a crowd of chatters.
  // VIPs and moderators sit above the other chatters, below what the picture is read by.
  const layer = (n: LaidOutNode) =>
    n.center ? 4 : n.kind === 'Stream' ? 3 : n.kind === 'User' ? (n.role !== undefined ? 1 : 0) : 2;
  const order = [...layout.nodes].sort((a, b) => layer(a) - layer(b) || a.r - b.r);
  for (const node of order) {
    ctx.beginPath();
    ctx.arc(node.x, node.y, node.r, 0, Math.PI * 2);
    ctx.fillStyle = colors.node[node.category];
    ctx.fill();
    // An outline in the background colour separates touching nodes; VIPs and moderators get a thick ring
    // in their badge's colour (the colour of their link in the legend).
    ctx.lineWidth = node.center ? 3 : node.role !== undefined ? 3.5 : 1.25;
    ctx.strokeStyle = node.center
      ? colors.text
      : node.role !== undefined
        ? colors.roleLink[node.role]
        : colors.background;
    ctx.stroke();
  }
}

function drawText(
  ctx: SKRSContext2D,
  text: string,
  x: number,
  y: number,
  font: string,
  color: string,
  halo?: string,
): void {
  ctx.font = font;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  if (halo !== undefined) {
    // A halo in the background colour keeps labels readable where they cross links.
    ctx.lineJoin = 'round';
    ctx.lineWidth = 3;
    ctx.strokeStyle = halo;
    ctx.strokeText(text, x, y);
  }
  ctx.fillStyle = color;
  ctx.fillText(text, x, y);
}

/** Paint a layout onto a fresh canvas and encode it. */
export async function drawGraph(layout: GraphLayout, themeName: ThemeName = 'dark'): Promise<RenderedImage> {
  registerFonts();
  const colors = themeByName(themeName);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, layout.width, layout.height);

  drawLinks(ctx, layout, colors);
  drawNodes(ctx, layout, colors);
  for (const label of layout.labels)
    drawText(
      ctx,
      label.text,
      label.x + 3,
      label.y + label.height / 2,
      label.font,
      colors.text,
      colors.background,
    );

  drawText(ctx, layout.title.text, layout.title.x, layout.title.y, layout.title.font, colors.text);
  for (const item of layout.legend.items) {
    if (item.what === 'node') {
      ctx.beginPath();
      ctx.arc(item.swatch.x, item.swatch.y, item.swatch.r, 0, Math.PI * 2);
      ctx.fillStyle = colors.node[item.category];
      ctx.fill();
    } else {
      ctx.fillStyle = colors.roleLink[item.type];
      ctx.fillRect(item.swatch.x, item.swatch.y, item.swatch.width, item.swatch.height);
    }
    drawText(ctx, item.text, item.textX, item.y, layout.legend.font, colors.muted);
  }
  drawText(ctx, layout.footer.text, layout.footer.x, layout.footer.y, layout.footer.font, colors.muted);

  const png = await encodePng(canvas);
  return { png, width: layout.width, height: layout.height };
}

/**
 * A graph as a PNG: d3-force layout (seeded, so the same graph gives the same bytes), nodes coloured by
 * kind with a legend, sized by the input's weight, labels for the most important nodes, title and footer.
 * Inputs over `maxNodes` are cut before layout and the footer says how many were left out.
 */
export async function renderGraphImage(
  input: GraphImageInput,
  options: GraphImageOptions = {},
): Promise<RenderedImage & { layout: GraphLayout }> {
  registerFonts();
  const layout = layoutGraph(input, options);
  const image = await drawGraph(layout, options.theme);
  return { ...image, layout };
}
