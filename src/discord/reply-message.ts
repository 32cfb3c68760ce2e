/**
 * The one adapter from a command's `Reply` to Discord message content: embeds, attachments, pages.
 *
 * Everything produced here stays inside Discord's documented limits (Channel resources → Embed limits;
 * Message → create message): a message Discord would refuse with 400 "Invalid Form Body" is a bug here,
 * whatever the reply holds. Long tables, long descriptions and many fields are split into pages instead
 * of being cut; the interaction pipeline adds the buttons that turn them.
 *
 * Only types come from discord.js, so the playground can show the same pages without loading it.
 */
import type { APIEmbed, APIEmbedField } from 'discord.js';
import stringWidth from 'string-width';
import type { TableImageInput } from '../reply/picture.js';
import type { DrawnReply, ReplyField, ReplyImage, ReplyStatus, ReplyTable } from '../reply/reply.js';
import { withoutControls } from '../util/terminal-text.js';

/** Discord's limits for embeds and messages (characters are counted per embed text and across all embeds). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  /** title + description + field names and values + footer + author, summed over all embeds of a message. */
  embedTotal: 6000,
  embeds: 10,
  attachments: 10,
  /** Alt text of an attachment. */
  attachmentDescription: 1024,
  /** Upload size for a server without boosts is 10 MiB per message; keep room for the multipart framing. */
  uploadBytes: 8 * 1024 * 1024,
} as const;

/** Choices of this adapter, not Discord's: what reads well in a chat window. */
export const LAYOUT = {
  /** A code block wider than this wraps on a phone (about 56 monospace cells in a portrait embed). */
  tableWidth: 56,
  rowsPerPage: 20,
  /** Most characters one page's table code block may take from the description's 4,096. */
  tableBlockChars: 3000,
  /** No single table line grows beyond this, however many columns. */
  lineChars: 200,
  /** A description up to this long is repeated on every page; a longer one is split across pages. */
  sharedDescription: 1000,
  footerNotes: 1500,
} as const;

/** Twitch purple for answers, grey for empty answers, Discord's red for errors. */
export const STATUS_COLOURS: Record<ReplyStatus, number> = { ok: 0x9146ff, empty: 0x99aab5, error: 0xed4245 };

export interface MessageFile {
  /** Safe file name, referenced from embeds as `attachment://<name>`. */
  name: string;
  data: Buffer;
  description: string;
  width: number;
  height: number;
}

export interface ReplyPage {
  index: number;
  count: number;
  embeds: APIEmbed[];
  files: MessageFile[];
}

/** Draws a table as a PNG (`renderTableImage` of `src/render/table-image.ts` has this shape). */
export type TableImageRenderer = (
  input: TableImageInput,
) => Promise<{ png: Buffer; width: number; height: number }>;

export interface ReplyMessageOptions {
  /** Used for tables too wide for a code block; without it they are narrowed with "…". */
  tableImage?: TableImageRenderer;
}

// ---------------------------------------------------------------------------------------------------
// text helpers

/** Cut to at most `max` UTF-16 units (never splitting a surrogate pair), ending in "…" when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = Math.max(0, max - 1);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}…`;
}

/** Split into pieces of at most `max` units, preferring line breaks, then spaces. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    }
    pieces.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]/, '');
  }
  if (rest.trim() !== '' || pieces.length === 0) pieces.push(rest);
  return pieces;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
// A zero-width space: Discord refuses empty field names and values.
const BLANK = '\u200b';

// Below U+1100 (and "…"), apart from combining marks, every character takes one monospace cell; only text with
// other characters (Hangul, CJK, emoji, zero-width marks) needs string-width, which is far slower.
function oneCellEach(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if ((c >= 0x7f && c <= 0x9f) || (c >= 0x300 && c <= 0x36f) || (c >= 0x1100 && c !== 0x2026)) return false;
  }
  return true;
}
const widthOf = (text: string) => (oneCellEach(text) ? text.length : stringWidth(text));

/** Fit a cell into `width` monospace cells, "…" marking a cut. */
function fitCell(text: string, width: number): string {
  if (widthOf(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const w = widthOf(ch);
    if (used + w > width - 1) break;
    out += ch;
    used += w;
  }
  return `${out}…`;
}

function padCell(text: string, width: number, align: 'left' | 'right'): string {
  const gap = ' '.repeat(Math.max(0, width - widthOf(text)));
  return align === 'right' ? gap + text : text + gap;
}

// ---------------------------------------------------------------------------------------------------
// tables

interface TableText {
  header: string[];
  rows: string[];
  /** Whether cells were cut to fit the width. */
  narrowed: boolean;
  /** Whether the table fits the width without cutting. */
  fits: boolean;
}

function cleanCell(cell: string): string {
  // A backtick would end the code block early; a line break would break the row.
  return cell.replace(/\s+/g, ' ').replace(/`/g, 'ˋ').trim();
}

/** The table as monospace lines no wider than `LAYOUT.tableWidth` (cells cut with "…" when needed). */
export function tableLines(table: ReplyTable): TableText {
  const columns = table.columns.map((c) => ({ header: cleanCell(c.header), align: c.align ?? 'left' }));
  const cells = table.rows.map((row) => columns.map((_, i) => cleanCell(row[i] ?? '')));
  const natural = columns.map((c, i) =>
    Math.min(LAYOUT.lineChars, Math.max(widthOf(c.header), ...cells.map((r) => widthOf(r[i] ?? '')))),
  );
  const gaps = 2 * Math.max(0, columns.length - 1);
  const fits = natural.reduce((a, b) => a + b, 0) + gaps <= LAYOUT.tableWidth;
  const widths = [...natural];
  // Take one cell at a time from the widest column until the line fits (or every column is 3 wide).
  while (widths.reduce((a, b) => a + b, 0) + gaps > LAYOUT.tableWidth) {
    let widest = 0;
    for (let i = 1; i < widths.length; i += 1) if ((widths[i] ?? 0) > (widths[widest] ?? 0)) widest = i;
    if ((widths[widest] ?? 0) <= 3) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  const narrowed = widths.some((w, i) => w < (natural[i] ?? 0));
  const line = (texts: readonly string[]) =>
    clip(
      columns
        .map((c, i) => padCell(fitCell(texts[i] ?? '', widths[i] ?? 0), widths[i] ?? 0, c.align))
        .join('  ')
        .trimEnd(),
      LAYOUT.lineChars,
    );
  return {
    header: [
      line(columns.map((c) => c.header)),
      clip(widths.map((w) => '-'.repeat(w)).join('  '), LAYOUT.lineChars),
    ],
    rows: cells.map(line),
    narrowed,
    fits,
  };
}

const codeBlock = (lines: readonly string[]) => `\`\`\`\n${lines.join('\n')}\n\`\`\``;

/** Row ranges per page: at most `rowsPerPage`, and a code block within `tableBlockChars`. */
function chunkRows(text: TableText): [number, number][] {
  const headerChars = text.header.reduce((sum, l) => sum + l.length + 1, 8);
  const chunks: [number, number][] = [];
  let start = 0;
  while (start < text.rows.length || chunks.length === 0) {
    let end = start;
    let chars = headerChars;
    while (
      end < text.rows.length &&
      end - start < LAYOUT.rowsPerPage &&
      (end === start || chars + (text.rows[end]?.length ?? 0) + 1 <= LAYOUT.tableBlockChars)
    ) {
      chars += (text.rows[end]?.length ?? 0) + 1;
      end += 1;
    }
    chunks.push([start, end]);
    if (end >= text.rows.length) break;
    start = end;
  }
  return chunks;
}

// ---------------------------------------------------------------------------------------------------
// images

const safeFileName = (name: string) => {
  const base =
    name
      .replace(/\.png$/i, '')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .slice(0, 80) || 'image';
  return `${base}.png`;
};

interface ChosenImages {
  images: MessageFile[];
  notes: string[];
}

function chooseImages(images: readonly ReplyImage[], max: number, bytes: number): ChosenImages {
  const chosen: MessageFile[] = [];
  const used = new Set<string>();
  const taken = (name: string) => used.has(name);
  const left: string[] = [];
  let total = 0;
  for (const image of images) {
    if (chosen.length >= max || total + image.png.length > bytes) {
      left.push(image.name);
      continue;
    }
    let name = safeFileName(image.name);
    for (let n = 2; taken(name); n += 1) name = safeFileName(`${image.name.replace(/\.png$/i, '')}-${n}`);
    used.add(name);
    total += image.png.length;
    chosen.push({
      name,
      data: image.png,
      description: clip(oneLine(image.description), DISCORD_LIMITS.attachmentDescription),
      width: image.width,
      height: image.height,
    });
  }
  const notes =
    left.length === 0
      ? []
      : [
          `${left.length} picture${left.length === 1 ? '' : 's'} left out: a message holds at most 10 and 8 MiB.`,
        ];
  return { images: chosen, notes };
}

// ---------------------------------------------------------------------------------------------------
// pages

interface PagePlan {
  description: string;
  rows: [number, number] | null;
  block: string;
  fields: APIEmbedField[];
}

function safeUrl(url: string | undefined): string | undefined {
  if (url === undefined || url.length > 2000) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function cleanField(field: ReplyField): APIEmbedField {
  const name = clip(oneLine(field.name), DISCORD_LIMITS.fieldName);
  const value = clip(field.value.trim(), DISCORD_LIMITS.fieldValue);
  return {
    name: name === '' ? BLANK : name,
    value: value === '' ? BLANK : value,
    ...(field.inline === true ? { inline: true } : {}),
  };
}

const fieldChars = (f: APIEmbedField) => f.name.length + f.value.length;

/** Characters Discord counts toward the 6,000 of a message. */
export function embedChars(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((sum, f) => sum + fieldChars(f), 0)
  );
}

const pageLabel = (index: number, count: number) => (count > 1 ? `Page ${index + 1} of ${count}` : '');
// The longest page label there could be, kept free in the footer and in the character budget.
const PAGE_LABEL_ROOM = 32;

/** A reply laid out as one or more pages of message content. */
export class PagedReply {
  readonly count: number;
  private readonly title: string;
  private readonly url: string | undefined;
  private readonly colour: number;
  private readonly notes: string;
  private readonly images: MessageFile[];
  private readonly plans: PagePlan[];
  private readonly table: { source: ReplyTable; asImage: boolean } | undefined;

  constructor(
    readonly reply: DrawnReply,
    private readonly options: ReplyMessageOptions = {},
  ) {
    this.title = clip(oneLine(reply.title), DISCORD_LIMITS.title) || 'Answer';
    this.url = safeUrl(reply.url);
    this.colour = STATUS_COLOURS[reply.status];

    // The adapter's own notes (cut cells, left-out pictures) come first: the reply's may be cut.
    const notes: string[] = [];
    const measured = reply.table === undefined ? undefined : tableLines(reply.table);
    // A command may draw its whole table itself (an image of kind `table`); a table too wide for text is
    // then shown by that picture, first, and is not drawn again.
    const provided = reply.images.find((image) => image.kind === 'table');
    const showProvided = measured !== undefined && !measured.fits && provided !== undefined;
    const text = showProvided ? undefined : measured;
    const asImage = text !== undefined && !text.fits && options.tableImage !== undefined;
    if (text?.narrowed === true && !asImage) notes.push('Some cells are cut short (…) to fit the message.');
    const images = showProvided ? [provided, ...reply.images.filter((i) => i !== provided)] : reply.images;
    // Room for the table picture: one attachment and one embed fewer for the reply's own pictures.
    const chosen = chooseImages(
      images,
      asImage ? DISCORD_LIMITS.attachments - 1 : DISCORD_LIMITS.attachments,
      DISCORD_LIMITS.uploadBytes,
    );
    this.images = chosen.images;
    notes.push(...chosen.notes);
    this.notes = clip(
      [...notes, ...reply.notes.map(oneLine).filter((n) => n !== '')].join('\n'),
      LAYOUT.footerNotes,
    );
    this.table = reply.table === undefined || showProvided ? undefined : { source: reply.table, asImage };

    // Table pages: each with its code block (also kept when drawn as a picture, in case drawing fails).
    const chunks = text === undefined ? [] : chunkRows(text);
    const blocks = chunks.map(([a, b]) =>
      text === undefined ? '' : codeBlock([...text.header, ...text.rows.slice(a, b)]),
    );
    const blockRoom = Math.max(0, ...blocks.map((b) => (asImage ? 0 : b.length + 2)));

    const description = (reply.description ?? '').trim();
    const room = Math.min(DISCORD_LIMITS.description - blockRoom, 4000);
    const shared = description.length <= Math.min(room, LAYOUT.sharedDescription);
    const pieces = shared ? [] : splitText(description, room);

    const count = Math.max(1, chunks.length, pieces.length);
    const plans: PagePlan[] = [];
    for (let i = 0; i < count; i += 1) {
      plans.push({
        description: shared ? description : (pieces[i] ?? ''),
        rows: chunks[i] ?? null,
        block: asImage ? '' : (blocks[i] ?? ''),
        fields: [],
      });
    }

    // Fields fill pages in order, each page within 25 fields and the 6,000 characters of a message.
    const fixed = this.title.length + this.notes.length + 1 + PAGE_LABEL_ROOM;
    const used = (plan: PagePlan) =>
      fixed +
      plan.description.length +
      plan.block.length +
      2 +
      plan.fields.reduce((s, f) => s + fieldChars(f), 0);
    let at = 0;
    for (const field of (reply.fields ?? []).map(cleanField)) {
      for (;;) {
        const plan =
          plans[at] ??
          (plans[at] = { description: shared ? description : '', rows: null, block: '', fields: [] });
        if (
          plan.fields.length < DISCORD_LIMITS.fields &&
          used(plan) + fieldChars(field) <= DISCORD_LIMITS.embedTotal
        ) {
          plan.fields.push(field);
          break;
        }
        at += 1;
      }
    }
    this.plans = plans;
    this.count = plans.length;
  }

  /** Page `index` (clamped into range). */
  async page(index: number): Promise<ReplyPage> {
    const i = Math.min(Math.max(0, Number.isFinite(index) ? Math.trunc(index) : 0), this.count - 1);
    const plan = this.plans[i] as PagePlan;
    const files: MessageFile[] = [];
    let block = plan.block;
    if (this.table?.asImage === true && plan.rows !== null && this.options.tableImage !== undefined) {
      const drawn = await this.drawTable(plan.rows, i).catch(() => null);
      if (drawn === null) {
        // The picture failed: show the narrowed text instead of nothing.
        const text = tableLines(this.table.source);
        block = codeBlock([...text.header, ...text.rows.slice(...plan.rows)]);
      } else files.push(drawn);
    }
    files.push(...this.images);

    const label = pageLabel(i, this.count);
    const footer = [this.notes, label].filter((t) => t !== '').join('\n');
    let description = [plan.description, block].filter((t) => t !== '').join('\n\n');
    const main: APIEmbed = { title: this.title, color: this.colour };
    if (this.url !== undefined) main.url = this.url;
    if (plan.fields.length > 0) main.fields = plan.fields;
    if (footer !== '') main.footer = { text: clip(footer, DISCORD_LIMITS.footer) };
    // Last guard: whatever the plan, never more than Discord takes in one message.
    const room = Math.min(DISCORD_LIMITS.description, DISCORD_LIMITS.embedTotal - embedChars(main));
    if (description.length > room)
      description =
        clip(plan.description, Math.max(0, room - block.length - 2)) + (block === '' ? '' : `\n\n${block}`);
    if (description.length > room) description = clip(description, room);
    if (description !== '') main.description = description;

    const [first, ...rest] = files;
    if (first !== undefined) main.image = { url: `attachment://${first.name}` };
    const embeds: APIEmbed[] = [main];
    for (const file of rest) embeds.push({ color: this.colour, image: { url: `attachment://${file.name}` } });
    return { index: i, count: this.count, embeds, files };
  }

  private async drawTable(rows: [number, number], index: number): Promise<MessageFile | null> {
    if (this.table === undefined || this.options.tableImage === undefined) return null;
    const table: ReplyTable = {
      columns: this.table.source.columns,
      rows: this.table.source.rows.slice(...rows),
    };
    const label = pageLabel(index, this.count);
    const image = await this.options.tableImage({
      title: this.title,
      table,
      ...(label === '' ? {} : { footer: label }),
    });
    const from = rows[0] + 1;
    let name = this.count > 1 ? `table-${index + 1}.png` : 'table.png';
    // Never the name of one of the reply's own pictures: `attachment://` references must be unique.
    while (this.images.some((f) => f.name === name)) name = name.replace(/\.png$/, '_.png');
    return {
      name,
      data: image.png,
      description: clip(
        `Table: ${this.title}${table.rows.length > 0 ? `, rows ${from}–${rows[1]}` : ''}`,
        DISCORD_LIMITS.attachmentDescription,
      ),
      width: image.width,
      height: image.height,
    };
  }
}

/**
 * The reply's text without control characters: graph text (descriptions, logins) comes from outside, and a
 * carriage return or NUL in an embed would break its layout or be dropped by Discord unevenly.
 */
function withoutControlsIn(reply: DrawnReply): DrawnReply {
  const { title, description, fields, table, notes } = reply;
  return {
    ...reply,
    title: withoutControls(title),
    ...(description === undefined ? {} : { description: withoutControls(description) }),
    ...(fields === undefined
      ? {}
      : {
          fields: fields.map((f) => ({
            ...f,
            name: withoutControls(f.name),
            value: withoutControls(f.value),
          })),
        }),
    ...(table === undefined
      ? {}
      : {
          table: {
            ...table,
            columns: table.columns.map((c) => ({ ...c, header: withoutControls(c.header) })),
            rows: table.rows.map((row) => row.map(withoutControls)),
          },
        }),
    notes: notes.map(withoutControls),
  };
}

/** Lay out a reply, its pictures drawn, for Discord. */
export function pageReply(reply: DrawnReply, options: ReplyMessageOptions = {}): PagedReply {
  return new PagedReply(withoutControlsIn(reply), options);
}
