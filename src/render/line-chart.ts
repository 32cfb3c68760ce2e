/**
 * Line chart on logarithmic axes: how a figure grows with the graph's size (the scale benchmark's curve in
 * docs/, bench/scale.bench.ts). Both axes are log10 because sizes go 100k → 1M → 10M and times span
 * milliseconds to seconds; a straight line of slope 1 is linear growth. Missing points (a size not
 * reached) break a series instead of being drawn as zero.
 */
import { createCanvas } from '@napi-rs/canvas';
import { font, registerFonts } from './fonts.js';
import { encodePng } from './png.js';
import type { RenderedImage } from './rendered-image.js';
import type { ThemeName } from './theme.js';
import { theme as themeByName } from './theme.js';
import type { MeasureText } from './text.js';
import { ellipsize, measureText } from './text.js';

export interface LineSeries {
  label: string;
  /** One value per x position; null where there is no figure. Values ≤ 0 are not drawable on a log axis. */
  values: readonly (number | null)[];
}

export interface LineChartInput {
  title: string;
  subtitle?: string;
  /** Positions on the x axis, ascending and > 0, with their labels. */
  x: readonly { value: number; label: string }[];
  xTitle: string;
  yTitle: string;
  series: readonly LineSeries[];
  /** Horizontal reference lines, e.g. a goal. */
  guides?: readonly { value: number; label: string }[];
}

export interface LineChartOptions {
  theme?: ThemeName;
  width?: number;
  height?: number;
}

export interface LineChartLayout {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  title: { text: string; font: string; y: number };
  subtitle?: { text: string; font: string; y: number };
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  guides: { y: number; label: string }[];
  /** Each series' runs of consecutive drawable points (a gap splits a run), and its legend entry. */
  series: {
    label: string;
    color: string;
    runs: { x: number; y: number }[][];
    legend: { x: number; y: number };
  }[];
  axisFont: string;
}

const M = 16;
/** Colour-blind-safe (Okabe–Ito) plus a few darker ones, cycled. */
const PALETTE = [
  '#e69f00',
  '#56b4e9',
  '#2ebd7f',
  '#f0e442',
  '#0072b2',
  '#d55e00',
  '#cc79a7',
  '#a970ff',
  '#b5bac1',
  '#f25c54',
  '#7fd4c1',
  '#c49a6c',
  '#ffffff',
  '#8c8c8c',
];

/** "1 ms", "20 ms", "1.5 s": the tick labels of a millisecond axis. */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  if (ms >= 1) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}

export function layoutLineChart(
  input: LineChartInput,
  options: LineChartOptions = {},
  measure: MeasureText = measureText,
): LineChartLayout {
  const width = options.width ?? 900;
  const titleFont = font(22, 'bold');
  const subFont = font(14);
  const axisFont = font(13);
  let y = M + 14;
  const title = { text: ellipsize(input.title, width - 2 * M, titleFont, measure), font: titleFont, y };
  y += 24;
  let subtitle: LineChartLayout['subtitle'];
  if (input.subtitle !== undefined && input.subtitle !== '') {
    subtitle = { text: ellipsize(input.subtitle, width - 2 * M, subFont, measure), font: subFont, y };
    y += 20;
  }
  const legendWidth = Math.min(
    320,
    Math.ceil(Math.max(60, ...input.series.map((s) => measure(s.label, axisFont)))) + 30,
  );
  const legendRows = input.series.length;
  const height = options.height ?? Math.max(480, y + 40 + legendRows * 20 + 60);
  const plot = { left: M + 70, top: y + 16, right: width - M - legendWidth - 12, bottom: height - M - 44 };

  const drawable = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null && v > 0));
  const guideValues = (input.guides ?? []).map((g) => g.value).filter((v) => v > 0);
  const all = [...drawable, ...guideValues];
  const low = all.length === 0 ? 1 : Math.floor(Math.log10(Math.min(...all)));
  let high = all.length === 0 ? 2 : Math.ceil(Math.log10(Math.max(...all)));
  if (high <= low) high = low + 1;
  const yOf = (v: number) => plot.bottom - ((Math.log10(v) - low) / (high - low)) * (plot.bottom - plot.top);

  const xs = input.x.map((p) => p.value);
  const xLow = Math.log10(Math.min(...xs));
  const xHigh = Math.log10(Math.max(...xs));
  const xSpan = xHigh > xLow ? xHigh - xLow : 1;
  const inset = 24;
  const xOf = (v: number) =>
    xs.length === 1
      ? (plot.left + plot.right) / 2
      : plot.left + inset + ((Math.log10(v) - xLow) / xSpan) * (plot.right - plot.left - 2 * inset);

  const yTicks: LineChartLayout['yTicks'] = [];
  for (let p = low; p <= high; p += 1) yTicks.push({ y: yOf(10 ** p), label: formatMs(10 ** p) });

  const series = input.series.map((s, i) => {
    const runs: { x: number; y: number }[][] = [];
    let current: { x: number; y: number }[] = [];
    s.values.forEach((v, k) => {
      const at = input.x[k];
      if (v === null || v <= 0 || at === undefined) {
        if (current.length > 0) runs.push(current);
        current = [];
        return;
      }
      current.push({ x: xOf(at.value), y: yOf(v) });
    });
    if (current.length > 0) runs.push(current);
    return {
      label: ellipsize(s.label, legendWidth - 30, axisFont, measure),
      color: PALETTE[i % PALETTE.length] as string,
      runs,
      legend: { x: plot.right + 16, y: plot.top + 8 + i * 20 },
    };
  });

  const layout: LineChartLayout = {
    width,
    height,
    plot,
    title,
    xTicks: input.x.map((p) => ({ x: xOf(p.value), label: p.label })),
    yTicks,
    guides: (input.guides ?? []).filter((g) => g.value > 0).map((g) => ({ y: yOf(g.value), label: g.label })),
    series,
    axisFont,
  };
  if (subtitle !== undefined) layout.subtitle = subtitle;
  return layout;
}

export async function renderLineChart(
  input: LineChartInput,
  options: LineChartOptions = {},
): Promise<RenderedImage> {
  registerFonts();
  const layout = layoutLineChart(input, options);
  const colors = themeByName(options.theme);
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  const { plot } = layout;
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = 'middle';
  const text = (
    value: string,
    x: number,
    y: number,
    f: string,
    color: string,
    align: 'left' | 'right' | 'center',
  ) => {
    ctx.font = f;
    ctx.fillStyle = color;
    ctx.textAlign = align;
    ctx.fillText(value, x, y);
  };
  text(layout.title.text, M, layout.title.y, layout.title.font, colors.text, 'left');
  if (layout.subtitle !== undefined)
    text(layout.subtitle.text, M, layout.subtitle.y, layout.subtitle.font, colors.muted, 'left');

  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.panel;
  for (const tick of layout.yTicks) {
    ctx.beginPath();
    ctx.moveTo(plot.left, tick.y);
    ctx.lineTo(plot.right, tick.y);
    ctx.stroke();
    text(tick.label, plot.left - 8, tick.y, layout.axisFont, colors.muted, 'right');
  }
  for (const tick of layout.xTicks) {
    ctx.beginPath();
    ctx.moveTo(tick.x, plot.top);
    ctx.lineTo(tick.x, plot.bottom);
    ctx.stroke();
    text(tick.label, tick.x, plot.bottom + 14, layout.axisFont, colors.muted, 'center');
  }
  ctx.strokeStyle = colors.muted;
  ctx.strokeRect(plot.left, plot.top, plot.right - plot.left, plot.bottom - plot.top);
  text(input.xTitle, (plot.left + plot.right) / 2, plot.bottom + 34, layout.axisFont, colors.text, 'center');
  ctx.save();
  ctx.translate(M + 6, (plot.top + plot.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  text(input.yTitle, 0, 0, layout.axisFont, colors.text, 'center');
  ctx.restore();

  ctx.setLineDash([6, 4]);
  for (const guide of layout.guides) {
    ctx.strokeStyle = colors.text;
    ctx.beginPath();
    ctx.moveTo(plot.left, guide.y);
    ctx.lineTo(plot.right, guide.y);
    ctx.stroke();
    text(guide.label, plot.right - 6, guide.y - 9, layout.axisFont, colors.text, 'right');
  }
  ctx.setLineDash([]);

  ctx.lineWidth = 2;
  for (const s of layout.series) {
    ctx.strokeStyle = s.color;
    ctx.fillStyle = s.color;
    for (const run of s.runs) {
      ctx.beginPath();
      run.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x, p.y) : ctx.lineTo(p.x, p.y)));
      ctx.stroke();
      for (const p of run) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
    }
    ctx.fillRect(s.legend.x, s.legend.y - 2, 18, 4);
    text(s.label, s.legend.x + 24, s.legend.y, layout.axisFont, colors.text, 'left');
  }

  const png = await encodePng(canvas);
  return { png, width: layout.width, height: layout.height };
}
