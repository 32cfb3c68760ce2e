import { describe, expect, it } from 'vitest';
import { formatMs, layoutLineChart, renderLineChart } from '../../src/render/line-chart.js';
import { theme } from '../../src/render/theme.js';
import { countColor, decode, pixelHex } from './pixels.js';

const scale = {
  title: 'p95 by graph size',
  subtitle: 'embedded store',
  x: [
    { value: 1e5, label: '100k' },
    { value: 1e6, label: '1M' },
    { value: 1e7, label: '10M' },
  ],
  xTitle: 'CHATTER relationships',
  yTitle: 'p95',
  series: [
    { label: '/stats', values: [1, 10, 100] },
    { label: '/pagerank 50', values: [50, null, 5000] },
    { label: '/top games 10', values: [20, 40, null] },
  ],
  guides: [{ value: 1000, label: 'goal 1 s' }],
};

describe('line chart', () => {
  it('puts sizes and times on log axes: ten times the size is the same step, ten times the time too', () => {
    const layout = layoutLineChart(scale);
    const [a, b, c] = layout.series[0]?.runs[0] ?? [];
    expect(b!.x - a!.x).toBeCloseTo(c!.x - b!.x, 6);
    expect(a!.y - b!.y).toBeCloseTo(b!.y - c!.y, 6);
    expect(a!.y).toBeGreaterThan(c!.y);
    const guide = layout.guides[0]!;
    expect(guide.y).toBeCloseTo(c!.y - (a!.y - b!.y), 6);
    // The y ticks span every value: from 1 ms to 5 s, one tick per power of ten.
    expect(layout.yTicks.map((t) => t.label)).toEqual(['1 ms', '10 ms', '100 ms', '1 s', '10 s']);
    for (const run of layout.series.flatMap((s) => s.runs))
      for (const p of run) {
        expect(p.x).toBeGreaterThanOrEqual(layout.plot.left);
        expect(p.x).toBeLessThanOrEqual(layout.plot.right);
        expect(p.y).toBeGreaterThanOrEqual(layout.plot.top);
        expect(p.y).toBeLessThanOrEqual(layout.plot.bottom);
      }
  });

  it('breaks a series where a size has no figure instead of drawing it as zero', () => {
    const layout = layoutLineChart(scale);
    expect(layout.series[1]?.runs.map((r) => r.length)).toEqual([1, 1]);
    expect(layout.series[2]?.runs.map((r) => r.length)).toEqual([2]);
  });

  it('is a PNG of the laid-out size with each series in its colour', async () => {
    const image = await renderLineChart(scale, { width: 800 });
    const pixels = await decode(image.png);
    const layout = layoutLineChart(scale, { width: 800 });
    expect([pixels.width, pixels.height]).toEqual([800, layout.height]);
    expect(pixelHex(pixels, 1, 1)).toBe(theme('dark').background);
    for (const s of layout.series) {
      const point = s.runs[0]![0]!;
      expect(pixelHex(pixels, point.x, point.y)).toBe(s.color);
      expect(countColor(pixels, s.color)).toBeGreaterThan(50);
    }
  });

  it('writes milliseconds and seconds as people read them', () => {
    expect([formatMs(0.5), formatMs(1), formatMs(250), formatMs(1000), formatMs(15_300)]).toEqual([
      '0.5 ms',
      '1 ms',
      '250 ms',
      '1 s',
      '15.3 s',
    ]);
  });
});
