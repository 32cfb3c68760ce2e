/**
 * A reply's pictures as data: what to draw (nodes, links, bars, rows, title, footer), not pixels. Commands
 * put these in `Reply.pictures`; `src/render/` draws them, and only the front ends that show pixels call
 * it (docs/ARCHITECTURE.md, "Commands and replies"). Everything here is plain values, so a reply can be
 * printed as JSON, compared in tests or drawn later by another process.
 */
import stringWidth from 'string-width';
import type { NodeLabel, RelationshipType } from '../domain/graph-records.js';
import type { ReplyTable } from './reply.js';

/** What a node is drawn as: its graph label, or `Bot` for a user flagged as a bot. */
export type NodeCategory = NodeLabel | 'Bot';

// ---------------------------------------------------------------------------------------------------
// node-link graph

export interface GraphImageNode {
  /** Unique within the input. */
  id: string;
  kind: NodeLabel;
  label: string;
  /** The measure nodes are sized by (PageRank, followers, messages); absent means "not measured". */
  weight?: number;
  /** Flagged as a bot: drawn in the bot colour instead of the user colour. */
  bot?: boolean;
}

export interface GraphImageLink {
  source: string;
  target: string;
  type?: RelationshipType;
}

export interface GraphImageInput {
  title: string;
  nodes: readonly GraphImageNode[];
  links: readonly GraphImageLink[];
  /** Nodes the caller already left out (chatters beyond the store's limit); counted in "+K more". */
  omitted?: number;
  /** Kept whatever the cut, fixed in the middle and drawn largest: the streamer of an ego network. */
  centerId?: string;
  /** What `weight` measures, named in the footer ("messages", "PageRank"). */
  measure?: string;
  /** What the picture shows, first in the footer. */
  caption?: string;
}

export interface GraphLayoutOptions {
  width?: number;
  height?: number;
  /** Seed of d3-force's random source (used to separate coincident nodes); same seed, same picture. */
  seed?: number;
  /** Nodes kept for layout; the rest are counted as "+K more". Layout cost grows with this. */
  maxNodes?: number;
  /** Labels attempted, most important nodes first. */
  maxLabels?: number;
}

// ---------------------------------------------------------------------------------------------------
// bar chart

export interface BarChartRow {
  label: string;
  value: number;
  /** How the value is written; `formatValue(value)` when absent. */
  valueText?: string;
}

export interface BarChartInput {
  title: string;
  subtitle?: string;
  rows: readonly BarChartRow[];
  /** Bars take this node colour (games orange, streamers purple…) so pictures agree with each other. */
  kind?: NodeCategory;
  footer?: string;
}

export interface BarChartLayoutOptions {
  width?: number;
  /** Longest name column in pixels; longer names end in "…". */
  maxLabelWidth?: number;
}

// ---------------------------------------------------------------------------------------------------
// table

export interface TableImageInput {
  title?: string;
  table: ReplyTable;
  footer?: string;
}

export interface TableLayoutOptions {
  /** Widest a column may get; longer cells end in "…". */
  maxColumnWidth?: number;
  /** Widest the picture may get; the widest columns give way first. */
  maxWidth?: number;
}

// ---------------------------------------------------------------------------------------------------
// community map

export interface CommunityMapNode {
  id: string;
  label: string;
  /** 1-based community number; 0 = outside the communities drawn (shown grey). */
  community: number;
  audience: number;
  /** Drawn with a ring: the channel a picture is about. */
  highlight?: boolean;
}

export interface CommunityMapLink {
  source: string;
  target: string;
  weight: number;
}

export interface CommunityMapInput {
  title: string;
  nodes: readonly CommunityMapNode[];
  links: readonly CommunityMapLink[];
  /** Legend lines in order, by community number (e.g. `[1, "1 · roshtein, aceu…"]`). */
  legend: readonly (readonly [community: number, text: string])[];
  footer: string;
}

export interface CommunityMapLayoutOptions {
  width?: number;
  height?: number;
  seed?: number;
  maxLabels?: number;
}

// ---------------------------------------------------------------------------------------------------
// the spec a reply carries

interface PictureBase {
  /** File name with extension, e.g. `streamer-lck_korea.png`; unique within the reply (see `imageName`). */
  name: string;
  /** Alt text: what the picture shows. */
  description: string;
}

export interface GraphPicture extends PictureBase {
  kind: 'graph';
  input: GraphImageInput;
  layout?: GraphLayoutOptions;
}

export interface ChartPicture extends PictureBase {
  kind: 'chart';
  input: BarChartInput;
  layout?: BarChartLayoutOptions;
}

/** The reply's table drawn whole, for a table too wide to read as text (see `tableFitsEmbed`). */
export interface TablePicture extends PictureBase {
  kind: 'table';
  input: TableImageInput;
  layout?: TableLayoutOptions;
}

export interface CommunityMapPicture extends PictureBase {
  kind: 'communityMap';
  input: CommunityMapInput;
  layout?: CommunityMapLayoutOptions;
}

/** One picture of a reply, as data. The colours (theme) are the front end's choice, not the command's. */
export type Picture = GraphPicture | ChartPicture | TablePicture | CommunityMapPicture;

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
