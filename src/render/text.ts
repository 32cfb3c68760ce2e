/** Measuring and shortening text in the pictures' font. */
import type { SKRSContext2D } from '@napi-rs/canvas';
import { createCanvas } from '@napi-rs/canvas';
import { formatCount, formatScore } from '../reply/format.js';
import { registerFonts } from './fonts.js';

export type MeasureText = (text: string, font: string) => number;

let scratch: SKRSContext2D | undefined;

/** Width in pixels of `text` drawn in `font`, from a shared 1×1 canvas (layout runs before drawing). */
export const measureText: MeasureText = (text, font) => {
  if (scratch === undefined) {
    registerFonts();
    scratch = createCanvas(1, 1).getContext('2d');
  }
  scratch.font = font;
  return scratch.measureText(text).width;
};

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Control characters and line breaks would draw as boxes or break a one-line label. */
export function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\s]+/g, ' ').trim();
}

/**
 * `text` cut to fit `maxWidth`, ending in "…" when cut. Cuts between grapheme clusters, so a Hangul
 * syllable, an emoji or a letter with its accent is never split.
 */
export function ellipsize(
  text: string,
  maxWidth: number,
  font: string,
  measure: MeasureText = measureText,
): string {
  const clean = oneLine(text);
  if (measure(clean, font) <= maxWidth) return clean;
  const parts = [...graphemes.segment(clean)].map((s) => s.segment);
  // Binary search for the longest prefix that fits together with the ellipsis.
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${parts.slice(0, mid).join('').trimEnd()}…`, font) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return lo === 0 ? '…' : `${parts.slice(0, lo).join('').trimEnd()}…`;
}

/** "1,234" for whole numbers, 4 significant digits for fractions (PageRank), as replies write them. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? formatCount(value) : formatScore(value);
}
