/**
 * A table as a picture, for tables too wide for a Discord embed (a code block there wraps on phones and
 * the embed description stops at 4,096 characters).
 */
import { createCanvas } from '@napi-rs/canvas';
import type { TableImageInput, TableLayoutOptions } from '../reply/picture.js';
import { font, registerFonts } from './fonts.js';
import { encodePng } from './png.js';
import type { RenderedImage } from './rendered-image.js';
import type { ThemeName } from './theme.js';
import { theme as themeByName } from './theme.js';
import type { MeasureText } from './text.js';
import { ellipsize, measureText } from './text.js';

export interface TableImageOptions extends TableLayoutOptions {
  theme?: ThemeName;
}

export const TABLE_DEFAULTS = { maxColumnWidth: 300, maxWidth: 1400 } as const;

export interface TableImageLayout {
  width: number;
  height: number;
  title?: { text: string; font: string; y: number };
  footer?: { text: string; font: string; y: number };
  columns: { x: number; width: number; align: 'left' | 'right' }[];
  header: { texts: string[]; font: string; y: number };
  rows: { texts: string[]; font: string; y: number; top: number }[];
  rowHeight: number;
}

const M = 16;
const PAD = 10;
const ROW_HEIGHT = 26;
const SIZE = 14;

/** Cap column widths at `cap`, lowering the cap until the columns fit `budget` (or reach a floor). */
function fitColumns(natural: readonly number[], cap: number, budget: number): number[] {
  let limit = cap;
  const total = (l: number) => natural.reduce((sum, w) => sum + Math.min(w, l), 0);
  while (limit > 60 && total(limit) > budget) limit -= 10;
  return natural.map((w) => Math.min(w, limit));
}

export function layoutTableImage(
  input: TableImageInput,
  options: TableImageOptions = {},
  measure: MeasureText = measureText,
): TableImageLayout {
  const cellFont = font(SIZE);
  const headFont = font(SIZE, 'bold');
  const { columns, rows } = input.table;
  const natural = columns.map((column, i) =>
    Math.ceil(
      Math.max(measure(column.header, headFont), ...rows.map((row) => measure(row[i] ?? '', cellFont))),
    ),
  );
  const maxWidth = options.maxWidth ?? TABLE_DEFAULTS.maxWidth;
  const inner = fitColumns(
    natural,
    options.maxColumnWidth ?? TABLE_DEFAULTS.maxColumnWidth,
    maxWidth - 2 * M - columns.length * 2 * PAD,
  );
  let x = M;
  const laidColumns = columns.map((column, i) => {
    const w = (inner[i] ?? 0) + 2 * PAD;
    const laid = { x, width: w, align: column.align ?? ('left' as const) };
    x += w;
    return laid;
  });
  const tableWidth = x + M;

  let y = M;
  let title: TableImageLayout['title'];
  if (input.title !== undefined && input.title !== '') {
    const titleFont = font(20, 'bold');
    const room = Math.max(tableWidth, 480) - 2 * M;
    title = { text: ellipsize(input.title, room, titleFont, measure), font: titleFont, y: y + 12 };
    y += 36;
  }
  const header = {
    texts: columns.map((c, i) => ellipsize(c.header, inner[i] ?? 0, headFont, measure)),
    font: headFont,
    y: y + ROW_HEIGHT / 2,
  };
  y += ROW_HEIGHT + 2;
  const laidRows = rows.map((row, r) => ({
    texts: columns.map((_, i) => ellipsize(row[i] ?? '', inner[i] ?? 0, cellFont, measure)),
    font: cellFont,
    top: y + r * ROW_HEIGHT,
    y: y + r * ROW_HEIGHT + ROW_HEIGHT / 2,
  }));
  y += rows.length * ROW_HEIGHT;
  let footer: TableImageLayout['footer'];
  if (input.footer !== undefined && input.footer !== '') {
    footer = {
      text: ellipsize(input.footer, Math.max(tableWidth, 480) - 2 * M, font(13), measure),
      font: font(13),
      y: y + 16,
    };
    y += 28;
  }
  const layout: TableImageLayout = {
    width: Math.max(tableWidth, title === undefined && footer === undefined ? 0 : 480),
    height: y + M,
    columns: laidColumns,
    header,
    rows: laidRows,
    rowHeight: ROW_HEIGHT,
  };
  if (title !== undefined) layout.title = title;
  if (footer !== undefined) layout.footer = footer;
  return layout;
}

/** A ReplyTable as a PNG: bold header, striped rows, numbers right-aligned as the columns say. */
export async function renderTableImage(
  input: TableImageInput,
  options: TableImageOptions = {},
): Promise<RenderedImage> {
  registerFonts();
  const layout = layoutTableImage(input, options);
  const colors = themeByName(options.theme);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = 'middle';
  const right = (layout.columns.at(-1)?.x ?? M) + (layout.columns.at(-1)?.width ?? 0);

  const cells = (texts: readonly string[], y: number, f: string, color: string) => {
    ctx.font = f;
    ctx.fillStyle = color;
    layout.columns.forEach((column, i) => {
      ctx.textAlign = column.align;
      ctx.fillText(
        texts[i] ?? '',
        column.align === 'right' ? column.x + column.width - PAD : column.x + PAD,
        y,
      );
    });
  };
  if (layout.title !== undefined) {
    ctx.font = layout.title.font;
    ctx.fillStyle = colors.text;
    ctx.textAlign = 'left';
    ctx.fillText(layout.title.text, M, layout.title.y);
  }
  layout.rows.forEach((row, i) => {
    if (i % 2 === 1) {
      ctx.fillStyle = colors.panel;
      ctx.fillRect(M, row.top, right - M, layout.rowHeight);
    }
  });
  cells(layout.header.texts, layout.header.y, layout.header.font, colors.text);
  ctx.fillStyle = colors.muted;
  ctx.fillRect(M, layout.header.y + layout.rowHeight / 2, right - M, 1);
  for (const row of layout.rows) cells(row.texts, row.y, row.font, colors.text);
  if (layout.footer !== undefined) {
    ctx.font = layout.footer.font;
    ctx.fillStyle = colors.muted;
    ctx.textAlign = 'left';
    ctx.fillText(layout.footer.text, M, layout.footer.y);
  }
  const png = await encodePng(canvas);
  return { png, width: layout.width, height: layout.height };
}
