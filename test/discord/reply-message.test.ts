/**
 * The Reply → Discord message adapter under huge inputs: every page of every reply must be a message
 * Discord accepts (checked by `messageProblems`, written from Discord's documented limits), and nothing
 * the reply says may be lost silently: rows, fields and description text all appear across the pages.
 */
import { describe, expect, it } from 'vitest';
import type { DrawnReply, Reply, ReplyImage, ReplyImageKind } from '../../src/reply/reply.js';
import { errorReply, reply as commandReply, undrawn } from '../../src/reply/reply.js';
import type { ReplyPage, TableImageRenderer } from '../../src/discord/reply-message.js';
import { clip, pageReply, splitText } from '../../src/discord/reply-message.js';
import { messageProblems } from '../support/discord-limits.js';

/** A reply as the front ends page it: its pictures already drawn into `images`. */
const reply = ({
  images = [],
  ...parts
}: Parameters<typeof commandReply>[0] & { images?: ReplyImage[] }): DrawnReply => ({
  ...commandReply(parts),
  images,
});

async function allPages(r: Reply | DrawnReply, tableImage?: TableImageRenderer): Promise<ReplyPage[]> {
  const paged = pageReply('images' in r ? r : undrawn(r), tableImage === undefined ? {} : { tableImage });
  const pages: ReplyPage[] = [];
  for (let i = 0; i < paged.count; i += 1) pages.push(await paged.page(i));
  return pages;
}

function expectAccepted(pages: readonly ReplyPage[]): void {
  for (const page of pages) {
    const files = page.files.map((f) => ({ name: f.name, size: f.data.length }));
    expect(messageProblems({ embeds: page.embeds }, files), `page ${page.index + 1}`).toEqual([]);
  }
}

const text = (pages: readonly ReplyPage[]) =>
  pages
    .flatMap((p) => p.embeds)
    .map((e) => [e.description ?? '', ...(e.fields ?? []).map((f) => `${f.name}=${f.value}`)].join('\n'))
    .join('\n');

const png = (bytes: number): Buffer => Buffer.alloc(bytes, 1);
const image = (name: string, bytes = 100, kind?: ReplyImageKind): ReplyImage => ({
  name,
  ...(kind === undefined ? {} : { kind }),
  png: png(bytes),
  width: 10,
  height: 10,
  description: 'x'.repeat(2000),
});

describe('Reply → Discord message', () => {
  it('keeps a small reply on one page with its table as a code block', async () => {
    const pages = await allPages(
      reply({
        title: 'Top games',
        description: 'Games with the most streamers',
        table: {
          columns: [
            { header: '#', align: 'right' },
            { header: 'Game' },
            { header: 'Streamers', align: 'right' },
          ],
          rows: [
            ['1', 'League of Legends', '7'],
            ['2', 'Just Chatting', '6'],
          ],
        },
        notes: ['limit 99 lowered to 50'],
      }),
    );
    expect(pages).toHaveLength(1);
    const [embed] = pages[0]?.embeds ?? [];
    expect(embed?.description).toBe(
      'Games with the most streamers\n\n```\n#  Game               Streamers\n-  -----------------  ---------\n1  League of Legends          7\n2  Just Chatting              6\n```',
    );
    expect(embed?.footer?.text).toBe('limit 99 lowered to 50');
    expect(embed?.color).toBe(0x9146ff);
  });

  it('pages thousands of rows without losing one', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i + 1), `user_${i}`, String(3000 - i)]);
    const pages = await allPages(
      reply({
        title: 'Everyone',
        table: { columns: [{ header: '#' }, { header: 'User' }, { header: 'Count' }], rows },
      }),
    );
    expect(pages.length).toBe(150);
    expectAccepted(pages);
    const all = text(pages);
    for (const i of [0, 1, 999, 2999]) expect(all).toContain(` user_${i} `);
    expect(pages[149]?.embeds[0]?.footer?.text).toBe('Page 150 of 150');
  });

  it('splits a 10k-character description across pages at line or word breaks', async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i}`).join(' ');
    expect(words.length).toBeGreaterThan(10_000);
    const pages = await allPages(reply({ title: 'Long', description: words }));
    expect(pages.length).toBeGreaterThan(2);
    expectAccepted(pages);
    expect(
      pages
        .map((p) => p.embeds[0]?.description ?? '')
        .join(' ')
        .split(' '),
    ).toEqual(words.split(' '));
  });

  it('spreads 40 fields (with oversized names and values) over pages of at most 25', async () => {
    const fields = Array.from({ length: 40 }, (_, i) => ({
      name: `field ${i} ${'n'.repeat(300)}`,
      value: `value ${i} ${'v'.repeat(2000)}`,
      inline: i % 2 === 0,
    }));
    const pages = await allPages(reply({ title: 'T'.repeat(400), description: 'd'.repeat(900), fields }));
    expectAccepted(pages);
    const shown = pages.flatMap((p) => p.embeds[0]?.fields ?? []);
    expect(shown).toHaveLength(40);
    expect(shown.map((f) => f.name.split(' ')[1])).toEqual(fields.map((_, i) => String(i)));
    expect(shown.every((f) => f.value.endsWith('…'))).toBe(true);
    expect(pages[0]?.embeds[0]?.title).toHaveLength(256);
  });

  it('survives everything at once: huge title, description, notes, table, fields and images', async () => {
    const everything = reply({
      title: 'x'.repeat(10_000),
      url: 'javascript:alert(1)',
      description: 'd'.repeat(10_000),
      notes: Array.from({ length: 100 }, () => 'n'.repeat(100)),
      fields: Array.from({ length: 40 }, (_, i) => ({
        name: '',
        value: i % 2 === 0 ? '' : 'v'.repeat(5000),
      })),
      table: {
        columns: Array.from({ length: 30 }, (_, i) => ({ header: `column ${i}` })),
        rows: Array.from({ length: 2000 }, (_, r) =>
          Array.from({ length: 30 }, (_, c) => `r${r}c${c}${'`'.repeat(3)}\n`),
        ),
      },
      images: Array.from({ length: 14 }, (_, i) => image(`picture ${i % 3}.PNG`)),
    });
    const pages = await allPages(everything);
    expectAccepted(pages);
    const first = pages[0];
    expect(first?.embeds[0]?.url).toBeUndefined();
    expect(first?.files).toHaveLength(10);
    expect(new Set(first?.files.map((f) => f.name)).size).toBe(10);
    expect(first?.embeds[0]?.footer?.text).toContain('4 pictures left out');
    expect(first?.embeds[0]?.description).not.toMatch(/```[^\n]/);
  });

  it('keeps pictures under the upload limit', async () => {
    const pages = await allPages(
      reply({ title: 'Big pictures', images: [image('a.png', 5_000_000), image('b.png', 5_000_000)] }),
    );
    expectAccepted(pages);
    expect(pages[0]?.files.map((f) => f.name)).toEqual(['a.png']);
  });

  it('narrows a table too wide for a phone with "…" when no table picture can be drawn', async () => {
    const wide = reply({
      title: 'Wide',
      table: {
        columns: [{ header: 'Name' }, { header: 'Description' }],
        rows: [['lck_korea', 'A'.repeat(120)]],
      },
    });
    const [page] = await allPages(wide);
    const lines = (page?.embeds[0]?.description ?? '').split('\n').slice(1, -1);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(56);
    expect(lines[2]).toMatch(/^lck_korea {2}A+…$/);
    expect(page?.embeds[0]?.footer?.text).toContain('cut short');
  });

  it('draws a table too wide for text as a picture per page when a renderer is given', async () => {
    const drawn: number[] = [];
    const renderer: TableImageRenderer = (input) => {
      drawn.push(input.table.rows.length);
      return Promise.resolve({ png: png(64), width: 800, height: 600 });
    };
    const rows = Array.from({ length: 45 }, (_, i) => [`streamer_${i}`, 'B'.repeat(80)]);
    const wide = reply({
      title: 'Wide',
      table: { columns: [{ header: 'Name' }, { header: 'Description' }], rows },
      images: [image('graph.png')],
    });
    const pages = await allPages(wide, renderer);
    expectAccepted(pages);
    expect(drawn).toEqual([20, 20, 5]);
    expect(pages[1]?.files.map((f) => f.name)).toEqual(['table-2.png', 'graph.png']);
    expect(pages[1]?.embeds.map((e) => e.image?.url)).toEqual([
      'attachment://table-2.png',
      'attachment://graph.png',
    ]);
    expect(pages[1]?.embeds[0]?.description).toBeUndefined();
  });

  it('uses the table picture a command drew itself instead of drawing another', async () => {
    let drawn = 0;
    const renderer: TableImageRenderer = () => {
      drawn += 1;
      return Promise.resolve({ png: png(64), width: 800, height: 600 });
    };
    const rows = Array.from({ length: 45 }, (_, i) => [`streamer_${i}`, 'B'.repeat(80)]);
    const pages = await allPages(
      reply({
        title: 'Wide',
        table: { columns: [{ header: 'Name' }, { header: 'Description' }], rows },
        // The file name does not matter; the kind does.
        images: [image('streamers-graph.png', 100, 'graph'), image('streamers-wide.png', 100, 'table')],
      }),
      renderer,
    );
    expectAccepted(pages);
    expect(drawn).toBe(0);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.embeds.map((e) => e.image?.url)).toEqual([
      'attachment://streamers-wide.png',
      'attachment://streamers-graph.png',
    ]);
  });

  it('draws a wide table itself when no reply picture is of kind table, whatever the pictures are named', async () => {
    let drawn = 0;
    const renderer: TableImageRenderer = () => {
      drawn += 1;
      return Promise.resolve({ png: png(64), width: 800, height: 600 });
    };
    const pages = await allPages(
      reply({
        title: 'Wide',
        table: { columns: [{ header: 'A' }], rows: [['x'.repeat(100)]] },
        images: [image('streamers-any-any-table.png', 100, 'chart')],
      }),
      renderer,
    );
    expectAccepted(pages);
    expect(drawn).toBe(1);
    expect(pages[0]?.embeds.map((e) => e.image?.url)).toEqual([
      'attachment://table.png',
      'attachment://streamers-any-any-table.png',
    ]);
  });

  it('keeps attachment names unique when a reply names its pictures like the table pictures', async () => {
    const renderer: TableImageRenderer = () => Promise.resolve({ png: png(64), width: 800, height: 600 });
    const pages = await allPages(
      reply({
        title: 'Clash',
        table: { columns: [{ header: 'A' }], rows: [['x'.repeat(100)]] },
        images: [image('table.png'), image('table.png'), image('table_.png')],
      }),
      renderer,
    );
    expectAccepted(pages);
    const names = pages[0]?.files.map((f) => f.name) ?? [];
    expect(new Set(names).size).toBe(names.length);
    // None is of kind table, so the adapter draws the table, first, under a name none of them has.
    expect(names).toEqual(['table__.png', 'table.png', 'table-2.png', 'table_.png']);
  });

  it('falls back to text when drawing the table picture fails', async () => {
    const failing: TableImageRenderer = () => Promise.reject(new Error('no canvas'));
    const [page] = await allPages(
      reply({ title: 'Wide', table: { columns: [{ header: 'A' }], rows: [['x'.repeat(100)]] } }),
      failing,
    );
    expect(page?.files).toEqual([]);
    expect(page?.embeds[0]?.description).toContain('```');
  });

  it('colours errors red and never sends an empty embed', async () => {
    const [page] = await allPages(errorReply('', ''));
    expect(page?.embeds[0]?.color).toBe(0xed4245);
    expect(page?.embeds[0]?.title).toBe('Answer');
    expectAccepted([page as ReplyPage]);
  });

  it('clamps page numbers into range', async () => {
    const paged = pageReply(reply({ title: 'Few', description: 'one page' }));
    for (const index of [-5, 7, Number.NaN, 0.5]) expect((await paged.page(index)).index).toBe(0);
  });

  it('cuts text without splitting a surrogate pair', () => {
    expect(clip('ab😀cd', 3)).toBe('ab…');
    expect(clip('a😀', 2)).toBe('a…');
    expect(splitText('😀'.repeat(5), 3).join('')).toBe('😀'.repeat(5));
  });
});
