/** A Reply as terminal text: title, fields, an aligned table, notes. */
import stringWidth from 'string-width';
import type { Reply, ReplyTable } from '../commands/reply.js';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, width - stringWidth(text)));
  return align === 'right' ? gap + text : text + gap;
}

export function tableText(table: ReplyTable): string {
  const clean = (cell: string) => cell.replace(/\s+/g, ' ');
  const rows = table.rows.map((row) => row.map(clean));
  const widths = table.columns.map((column, i) =>
    Math.max(stringWidth(column.header), ...rows.map((row) => stringWidth(row[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    table.columns
      .map((column, i) => pad(cells[i] ?? '', widths[i] ?? 0, column.align ?? 'left'))
      .join('  ')
      .trimEnd();
  return [
    line(table.columns.map((c) => c.header)),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}

export function replyText(reply: Reply): string {
  const parts: string[] = [reply.title];
  if (reply.url !== undefined) parts.push(reply.url);
  if (reply.description !== undefined && reply.description !== '') parts.push(reply.description);
  if (reply.fields !== undefined && reply.fields.length > 0) {
    const width = Math.max(...reply.fields.map((f) => stringWidth(f.name)));
    parts.push(reply.fields.map((f) => `${pad(f.name, width, 'left')}  ${f.value}`).join('\n'));
  }
  if (reply.table !== undefined) parts.push(tableText(reply.table));
  if (reply.images.length > 0)
    parts.push(reply.images.map((i) => `[image ${i.name}: ${i.description}]`).join('\n'));
  if (reply.notes.length > 0) parts.push(reply.notes.map((n) => `note: ${n}`).join('\n'));
  return `${parts.join('\n\n')}\n`;
}

/** The reply as JSON: the structured `data` and what the reply says, images named but not inlined. */
export function replyJson(reply: Reply): string {
  const { images, ...rest } = reply;
  return `${JSON.stringify({ ...rest, images: images.map(({ png: _png, ...meta }) => meta) }, null, 2)}\n`;
}
