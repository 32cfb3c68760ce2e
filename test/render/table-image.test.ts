import { describe, expect, it } from 'vitest';
import type { ReplyTable } from '../../src/reply/reply.js';
import { font } from '../../src/render/fonts.js';
import { tableFitsEmbed } from '../../src/reply/picture.js';
import { layoutTableImage, renderTableImage } from '../../src/render/table-image.js';
import { measureText } from '../../src/render/text.js';
import { theme } from '../../src/render/theme.js';
import { decode, pixelHex } from './pixels.js';

const table: ReplyTable = {
  columns: [
    { header: 'Streamer' },
    { header: 'Language' },
    { header: 'Game' },
    { header: 'Followers', align: 'right' },
  ],
  rows: [
    ['Fresh', 'en', 'Fortnite', '4,423,916'],
    ['울프', 'ko', 'League of Legends', '352,620'],
    ['らっだぁ', 'ja', 'Minecraft', '216,276'],
    [
      'LongName',
      'en',
      'A game title so long that a column of three hundred pixels cannot hold it at all',
      '1',
    ],
  ],
};

describe('table image', () => {
  it('is a PNG of the stated size with striped rows', async () => {
    const image = await renderTableImage({ title: 'All streamers: 4', table });
    const pixels = await decode(image.png);
    const layout = layoutTableImage({ title: 'All streamers: 4', table });
    expect([pixels.width, pixels.height]).toEqual([layout.width, layout.height]);
    expect([image.width, image.height]).toEqual([layout.width, layout.height]);
    const colors = theme('dark');
    expect(pixelHex(pixels, 1, 1)).toBe(colors.background);
    // Odd rows carry the panel stripe; sample the stripe just inside its left edge, clear of text.
    const second = layout.rows[1];
    expect(pixelHex(pixels, 18, (second?.top ?? 0) + 2)).toBe(colors.panel);
  });

  it('ellipsizes cells wider than a column may be, and right-aligns what the column says', () => {
    const layout = layoutTableImage({ table }, { maxColumnWidth: 300 });
    const game = layout.rows[3]?.texts[2] ?? '';
    expect(game.endsWith('…')).toBe(true);
    expect(measureText(game, font(14))).toBeLessThanOrEqual(300);
    expect(layout.rows[1]?.texts[0]).toBe('울프');
    expect(layout.columns.map((c) => c.align)).toEqual(['left', 'left', 'left', 'right']);
  });

  it('narrows the widest columns to stay within the maximum width', () => {
    const layout = layoutTableImage({ table }, { maxWidth: 500 });
    expect(layout.width).toBeLessThanOrEqual(500);
  });
});

describe('tableFitsEmbed', () => {
  it('accepts narrow tables and refuses wide or long ones', () => {
    expect(tableFitsEmbed({ columns: [{ header: '#' }, { header: 'Game' }], rows: [['1', 'Dota 2']] })).toBe(
      true,
    );
    expect(tableFitsEmbed(table)).toBe(false);
    const long = {
      columns: [{ header: 'Name' }],
      rows: Array.from({ length: 600 }, (_, i) => [`name_${i}`]),
    };
    expect(tableFitsEmbed(long)).toBe(false);
  });
});
