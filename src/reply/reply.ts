/**
 * A command's answer, independent of where it is shown. The Discord adapter, the playground page and the
 * `ask` CLI each turn a Reply into their own medium. Pictures travel as data (`picture.ts`); a front end
 * that shows pixels draws them with `src/render/` into a `DrawnReply`.
 */
import type { Picture } from './picture.js';

export interface ReplyColumn {
  header: string;
  align?: 'left' | 'right';
}

export interface ReplyTable {
  columns: ReplyColumn[];
  rows: string[][];
}

export interface ReplyField {
  name: string;
  value: string;
  inline?: boolean;
}

/** What a drawn picture shows: a node-link graph (community maps too), a chart, or the reply's table. */
export type ReplyImageKind = 'graph' | 'chart' | 'table';

/** A picture drawn: the PNG of one `Picture` of the reply. */
export interface ReplyImage {
  /** File name with extension, e.g. `streamer-lck_korea.png`; unique within the reply. */
  name: string;
  /**
   * Set by whoever draws the picture. Front ends go by it, never by the file name: a `table` picture stands
   * in for the reply's table when the table is too wide to show as text.
   */
  kind?: ReplyImageKind;
  png: Buffer;
  width: number;
  height: number;
  /** Alt text: what the picture shows. */
  description: string;
}

export type ReplyStatus = 'ok' | 'empty' | 'error';

export interface Reply {
  status: ReplyStatus;
  title: string;
  description?: string;
  url?: string;
  fields?: ReplyField[];
  table?: ReplyTable;
  /** Short remarks shown under the answer: clamped limits, excluded bots, algorithm mode. */
  notes: string[];
  /** What to draw, as data; drawn only by a front end that shows pictures. */
  pictures: Picture[];
  /** Only the person who asked should see it (errors, refusals). */
  ephemeral: boolean;
  /** The answer as plain JSON values, for `ask --json` and other programs. */
  data?: unknown;
  /** An error because a name matched nothing (`ask` exits with its own status for it). */
  notFound?: boolean;
}

/**
 * A reply with its pictures drawn. Pictures that failed to draw are missing from `images` and said in a
 * note, so the answer still arrives.
 */
export interface DrawnReply extends Reply {
  images: ReplyImage[];
}

/** Draws a reply's pictures (`src/render/draw-pictures.ts`, handed to the front ends that show pixels). */
export type PictureDrawer = (reply: Reply) => Promise<DrawnReply>;

export function reply(
  parts: Omit<Reply, 'status' | 'notes' | 'pictures' | 'ephemeral'> & Partial<Reply>,
): Reply {
  return { status: 'ok', notes: [], pictures: [], ephemeral: false, ...parts };
}

export function errorReply(title: string, description: string, notes: string[] = []): Reply {
  return { status: 'error', title, description, notes, pictures: [], ephemeral: true };
}

/** A reply shown without pictures: nothing drawn, nothing loaded. */
export function undrawn(reply: Reply): DrawnReply {
  return { ...reply, images: [] };
}
