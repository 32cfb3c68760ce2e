/**
 * The bridge from renderers to replies: draw a picture and wrap it as a named `ReplyImage`, so commands
 * only say what to draw. A picture that fails to draw costs the reply its picture, not its answer.
 */
import stringWidth from 'string-width';
import type { ReplyImage, ReplyImageKind, ReplyTable } from '../reply/reply.js';
import type { GraphView } from '../graph/graph-store.port.js';
import type { BarChartInput, BarChartOptions } from './bar-chart.js';
import { renderBarChart } from './bar-chart.js';
import type { CommunityMapInput, CommunityMapOptions } from './community-map.js';
import { renderCommunityMap } from './community-map.js';
import type { GraphImageOptions } from './graph-image.js';
import { renderGraphImage } from './graph-image.js';
import type { GraphImageInput, GraphImageNode } from './graph-layout.js';
import type { RenderedImage } from './rendered-image.js';
import type { TableImageInput, TableImageOptions } from './table-image.js';
import { renderTableImage } from './table-image.js';

/** `streamer`, `LCK Korea` → `streamer-lck-korea.png`: safe as a Discord attachment and a file name. */
export function imageName(...parts: readonly string[]): string {
  const slug = parts
    .join('-')
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
  return `${slug === '' ? 'image' : slug}.png`;
}

/**
 * Whether a table reads well as monospace text in a Discord embed: the description holds 4,096
 * characters, and a code block wider than about 56 columns wraps on a phone and in a narrow window.
 */
export function tableFitsEmbed(table: ReplyTable, maxColumns = 56, maxChars = 3800): boolean {
  const widths = table.columns.map((column, i) =>
    Math.max(stringWidth(column.header), ...table.rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  const lineWidth = widths.reduce((sum, w) => sum + w, 0) + 2 * Math.max(0, widths.length - 1);
  return lineWidth <= maxColumns && lineWidth * (table.rows.length + 2) <= maxChars;
}

/**
 * A GraphView's nodes for drawing: each node's weight taken from `weights` (by view node id) instead of the
 * store's, and users whose login is in `bots` drawn as bots.
 */
export function weighView(
  view: GraphView,
  weights?: ReadonlyMap<string, number>,
  bots?: ReadonlySet<string>,
): GraphImageNode[] {
  return view.nodes.map((node) => {
    const weight = weights === undefined ? node.weight : weights.get(node.id);
    const out: GraphImageNode = { id: node.id, kind: node.kind, label: node.label };
    if (weight !== undefined) out.weight = weight;
    if (node.kind === 'User' && bots?.has(node.id.slice('User:'.length)) === true) out.bot = true;
    return out;
  });
}

export type ImageJob =
  | { what: 'graph'; name: string; description: string; input: GraphImageInput; options?: GraphImageOptions }
  | { what: 'bars'; name: string; description: string; input: BarChartInput; options?: BarChartOptions }
  | { what: 'table'; name: string; description: string; input: TableImageInput; options?: TableImageOptions }
  | {
      what: 'map';
      name: string;
      description: string;
      input: CommunityMapInput;
      options?: CommunityMapOptions;
    };

/** What each job draws, as front ends know pictures (see `ReplyImage.kind`). */
const KIND_OF_JOB = { graph: 'graph', bars: 'chart', table: 'table', map: 'graph' } as const satisfies Record<
  ImageJob['what'],
  ReplyImageKind
>;

const asReplyImage = (job: ImageJob, image: RenderedImage): ReplyImage => ({
  name: job.name,
  kind: KIND_OF_JOB[job.what],
  description: job.description,
  png: image.png,
  width: image.width,
  height: image.height,
});

async function render(job: ImageJob): Promise<RenderedImage> {
  switch (job.what) {
    case 'graph':
      return renderGraphImage(job.input, job.options);
    case 'bars':
      return renderBarChart(job.input, job.options);
    case 'table':
      return renderTableImage(job.input, job.options);
    case 'map':
      return renderCommunityMap(job.input, job.options);
  }
}

/**
 * Draw each job in turn (one at a time: rendering is CPU work and the bot shares two cores). A job that
 * throws adds a note instead of an image, so the reply still carries its table and fields.
 */
export async function drawReplyImages(
  jobs: readonly ImageJob[],
  draw = true,
): Promise<{ images: ReplyImage[]; notes: string[] }> {
  const images: ReplyImage[] = [];
  const notes: string[] = [];
  if (!draw) return { images, notes };
  for (const job of jobs) {
    try {
      const image = await render(job);
      images.push(asReplyImage(job, image));
    } catch (error) {
      notes.push(
        `The picture ${job.name} could not be drawn (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }
  return { images, notes };
}
