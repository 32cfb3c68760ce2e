/**
 * A command's answer, independent of where it is shown. The Discord adapter, the playground page and the
 * `ask` CLI each turn a Reply into their own medium.
 */

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

/** What a reply picture shows: a node-link graph, a chart, or the reply's table drawn whole. */
export type ReplyImageKind = 'graph' | 'chart' | 'table';

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
  images: ReplyImage[];
  /** Only the person who asked should see it (errors, refusals). */
  ephemeral: boolean;
  /** The answer as plain JSON values, for `ask --json` and other programs. */
  data?: unknown;
  /** An error because a name matched nothing (`ask` exits with its own status for it). */
  notFound?: boolean;
}

export function reply(
  parts: Omit<Reply, 'status' | 'notes' | 'images' | 'ephemeral'> & Partial<Reply>,
): Reply {
  return { status: 'ok', notes: [], images: [], ephemeral: false, ...parts };
}

export function errorReply(title: string, description: string, notes: string[] = []): Reply {
  return { status: 'error', title, description, notes, images: [], ephemeral: true };
}
