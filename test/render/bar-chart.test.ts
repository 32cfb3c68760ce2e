import { describe, expect, it } from 'vitest';
import { layoutBarChart, renderBarChart } from '../../src/render/bar-chart.js';
import { font } from '../../src/render/fonts.js';
import { measureText } from '../../src/render/text.js';
import { theme } from '../../src/render/theme.js';
import { countColor, decode, pixelHex } from './pixels.js';

const games = {
  title: 'Top 4 games',
  subtitle: 'Games with the most streamers playing them',
  kind: 'Game' as const,
  rows: [
    { label: 'Grand Theft Auto V', value: 8 },
    { label: 'League of Legends: a very long name that no chart has room for, really', value: 6 },
    { label: '리그 오브 레전드', value: 3 },
    { label: 'Dota 2', value: 1 },
  ],
};

describe('bar chart', () => {
  it('is a PNG of the stated size with bars in the kind colour', async () => {
    const image = await renderBarChart(games, { width: 600 });
    const pixels = await decode(image.png);
    expect([pixels.width, pixels.height]).toEqual([600, image.height]);
    expect(image.height).toBe(layoutBarChart(games, { width: 600 }).height);
    const colors = theme('dark');
    expect(pixelHex(pixels, 1, 1)).toBe(colors.background);
    const layout = layoutBarChart(games, { width: 600 });
    for (const row of layout.rows)
      expect(pixelHex(pixels, row.bar.x + row.bar.width / 2, row.bar.y + row.bar.height / 2)).toBe(
        colors.node.Game,
      );
    expect(countColor(pixels, colors.node.Game)).toBeGreaterThan(1000);
  });

  it('draws the light theme on white', async () => {
    const pixels = await decode((await renderBarChart(games, { theme: 'light' })).png);
    expect(pixelHex(pixels, 1, 1)).toBe('#ffffff');
    expect(countColor(pixels, theme('light').node.Game)).toBeGreaterThan(1000);
  });

  it('makes bar lengths proportional to the values and labels each value', () => {
    const layout = layoutBarChart(games);
    const [first, second, , last] = layout.rows;
    expect(second?.bar.width).toBeCloseTo(((first?.bar.width ?? 0) * 6) / 8, 5);
    expect(last?.bar.width).toBeCloseTo(((first?.bar.width ?? 0) * 1) / 8, 5);
    expect(first?.bar.width).toBe(first?.track.width);
    expect(layout.rows.map((r) => r.valueText)).toEqual(['8', '6', '3', '1']);
    expect(layoutBarChart({ title: 'x', rows: [{ label: 'a', value: 1234567 }] }).rows[0]?.valueText).toBe(
      '1,234,567',
    );
  });

  it('shortens long names with an ellipsis and keeps short ones whole', () => {
    const layout = layoutBarChart(games, { maxLabelWidth: 200 });
    const long = layout.rows[1];
    expect(long?.label.endsWith('…')).toBe(true);
    expect(long?.full).toBe(games.rows[1]?.label);
    expect(measureText(long?.label ?? '', font(15))).toBeLessThanOrEqual(200);
    expect(layout.rows[0]?.label).toBe('Grand Theft Auto V');
    expect(layout.rows[2]?.label).toBe('리그 오브 레전드');
  });
});
