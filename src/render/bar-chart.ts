/** Horizontal bar chart for top-N lists: one bar per row, the value written beside it, names shortened. */
import { createCanvas } from '@napi-rs/canvas';
import type { BarChartInput, BarChartLayoutOptions } from '../reply/picture.js';
import { font, registerFonts } from './fonts.js';
import type { Box } from './label-placement.js';
import { encodePng } from './png.js';
import type { RenderedImage } from './rendered-image.js';
import type { ThemeName } from './theme.js';
import { theme as themeByName } from './theme.js';
import type { MeasureText } from './text.js';
import { ellipsize, formatValue, measureText } from './text.js';

export interface BarChartOptions extends BarChartLayoutOptions {
  theme?: ThemeName;
}

export const BAR_DEFAULTS = { width: 800, maxLabelWidth: 260 } as const;

export interface BarChartLayout {
  width: number;
  height: number;
  title: { text: string; font: string; y: number };
  subtitle?: { text: string; font: string; y: number };
  footer?: { text: string; font: string; y: number };
  rows: {
    /** The name as drawn (possibly ellipsized) and as given. */
    label: string;
    full: string;
    valueText: string;
    font: string;
    labelRight: number;
    y: number;
    track: Box;
    bar: Box;
    valueX: number;
  }[];
}

const M = 16;
const ROW = { height: 30, bar: 20, font: 15 };

export function layoutBarChart(
  input: BarChartInput,
  options: BarChartOptions = {},
  measure: MeasureText = measureText,
): BarChartLayout {
  const width = options.width ?? BAR_DEFAULTS.width;
  const rowFont = font(ROW.font);
  const titleFont = font(22, 'bold');
  const subFont = font(14);
  const valueTexts = input.rows.map((r) => r.valueText ?? formatValue(r.value));
  const labelLimit = Math.min(options.maxLabelWidth ?? BAR_DEFAULTS.maxLabelWidth, width * 0.4);
  const labels = input.rows.map((r) => ellipsize(r.label, labelLimit, rowFont, measure));
  const labelWidth = Math.ceil(Math.max(0, ...labels.map((l) => measure(l, rowFont))));
  const valueWidth = Math.ceil(Math.max(0, ...valueTexts.map((v) => measure(v, rowFont))));
  const barLeft = M + labelWidth + 12;
  const barSpan = Math.max(40, width - M - valueWidth - 8 - barLeft);
  const max = Math.max(0, ...input.rows.map((r) => r.value));

  let y = M + 14;
  const title = { text: ellipsize(input.title, width - 2 * M, titleFont, measure), font: titleFont, y };
  y += 26;
  let subtitle: BarChartLayout['subtitle'];
  if (input.subtitle !== undefined && input.subtitle !== '') {
    subtitle = { text: ellipsize(input.subtitle, width - 2 * M, subFont, measure), font: subFont, y };
    y += 22;
  }
  y += 8;
  const rows = input.rows.map((row, i) => {
    const top = y + i * ROW.height + (ROW.height - ROW.bar) / 2;
    // Any positive value gets a visible sliver, so "1" never looks like "0".
    const length = max <= 0 || row.value <= 0 ? 0 : Math.max(2, (row.value / max) * barSpan);
    return {
      label: labels[i] ?? '',
      full: row.label,
      valueText: valueTexts[i] ?? '',
      font: rowFont,
      labelRight: M + labelWidth,
      y: y + i * ROW.height + ROW.height / 2,
      track: { x: barLeft, y: top, width: barSpan, height: ROW.bar },
      bar: { x: barLeft, y: top, width: length, height: ROW.bar },
      valueX: barLeft + length + 8,
    };
  });
  y += input.rows.length * ROW.height + 8;
  let footer: BarChartLayout['footer'];
  if (input.footer !== undefined && input.footer !== '') {
    footer = { text: ellipsize(input.footer, width - 2 * M, font(13), measure), font: font(13), y: y + 10 };
    y += 22;
  }
  const layout: BarChartLayout = { width, height: Math.ceil(y + M / 2), title, rows };
  if (subtitle !== undefined) layout.subtitle = subtitle;
  if (footer !== undefined) layout.footer = footer;
  return layout;
}

/** A top-N list as a PNG bar chart. */
export async function renderBarChart(
  input: BarChartInput,
  options: BarChartOptions = {},
): Promise<RenderedImage> {
  registerFonts();
  const layout = layoutBarChart(input, options);
  const colors = themeByName(options.theme);
  const barColor = input.kind === undefined ? colors.accent : colors.node[input.kind];
  const canvas = createCanvas(layout.width, layout.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = colors.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.textBaseline = 'middle';

  const text = (value: string, x: number, y: number, f: string, color: string, align: 'left' | 'right') => {
    ctx.font = f;
    ctx.fillStyle = color;
    ctx.textAlign = align;
    ctx.fillText(value, x, y);
  };
  text(layout.title.text, M, layout.title.y, layout.title.font, colors.text, 'left');
  if (layout.subtitle !== undefined)
    text(layout.subtitle.text, M, layout.subtitle.y, layout.subtitle.font, colors.muted, 'left');
  for (const row of layout.rows) {
    ctx.fillStyle = colors.panel;
    ctx.fillRect(row.track.x, row.track.y, row.track.width, row.track.height);
    ctx.fillStyle = barColor;
    ctx.fillRect(row.bar.x, row.bar.y, row.bar.width, row.bar.height);
    text(row.label, row.labelRight, row.y, row.font, colors.text, 'right');
    text(row.valueText, row.valueX, row.y, row.font, colors.text, 'left');
  }
  if (layout.footer !== undefined)
    text(layout.footer.text, M, layout.footer.y, layout.footer.font, colors.muted, 'left');

  const png = await encodePng(canvas);
  return { png, width: layout.width, height: layout.height };
}
