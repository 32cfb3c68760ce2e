/** A Reply as terminal text: title, fields, an aligned table, notes. */
import stringWidth from 'string-width';
import type { DrawnReply, Reply, ReplyTable } from '../reply/reply.js';
import { clipText, visibleControls, visibleOneLine } from '../util/terminal-text.js';

/** Discord's own limits for an embed's description and a field's value; a terminal needs no more. */
const MAX_DESCRIPTION = 4096;
const MAX_FIELD_VALUE = 1024;

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'right' ? gap + text : text + gap;
}

export function tableText(table: ReplyTable): string {
  // Visible before measuring: a control character is zero columns wide, its stand-in one.
  const clean = (cell: string) => visibleOneLine(cell.replace(/\s+/g, ' '));
  const rows = table.rows.map((row) => row.map(clean));
  const headers = table.columns.map((c) => clean(c.header));
  const widths = headers.map((header, i) =>
    Math.max(stringWidth(header), ...rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    table.columns
      .map((column, i) => pad(cells[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Graph text (descriptions, logins) reaches the terminal: controls made visible, sizes kept sane. */
export function replyText(reply: Reply): string {
  const parts: string[] = [visibleOneLine(reply.title)];
  if (reply.url !== undefined) parts.push(visibleOneLine(reply.url));
  if (reply.description !== undefined && reply.description !== '')
    parts.push(clipText(reply.description, MAX_DESCRIPTION));
  if (reply.fields !== undefined && reply.fields.length > 0) {
    const names = reply.fields.map((f) => visibleOneLine(f.name));
    const width = Math.max(...names.map((n) => stringWidth(n)));
    parts.push(
      reply.fields
        .map((f, i) => `${pad(names[i] ?? '', width, 'left')}  ${clipText(f.value, MAX_FIELD_VALUE)}`)
        .join('\n'),
    );
  }
  if (reply.table !== undefined) parts.push(tableText(reply.table));
  if (reply.pictures.length > 0)
    parts.push(reply.pictures.map((p) => `[image ${p.name}: ${p.description}]`).join('\n'));
  if (reply.notes.length > 0) parts.push(reply.notes.map((n) => `note: ${n}`).join('\n'));
  return `${visibleControls(parts.join('\n\n'))}\n`;
}

/**
 * The reply as JSON: the structured `data` and what the reply says. Pictures are named, not inlined (their
 * nodes and rows are in `data` already); drawn images add their size.
 */
export function replyJson(reply: Reply | DrawnReply): string {
  const { pictures, ...rest } = reply;
  const named = pictures.map(({ name, kind, description }) => ({ name, kind, description }));
  const drawn = 'images' in reply ? { images: reply.images.map(({ png: _png, ...meta }) => meta) } : {};
  return `${JSON.stringify({ ...rest, pictures: named, ...drawn }, null, 2)}\n`;
}
