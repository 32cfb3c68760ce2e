import { existsSync } from 'node:fs';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { font, FONT_FAMILY, registerFonts } from '../../src/render/fonts.js';

/** Draw `text` black on white and return the pixels' red channel (enough to compare shapes). */
function ink(text: string, cssFont: string): { pixels: number[]; dark: number } {
  const canvas = createCanvas(160, 40);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, 160, 40);
  ctx.fillStyle = '#000000';
  ctx.font = cssFont;
  ctx.textBaseline = 'middle';
  ctx.fillText(text, 4, 20);
  const data = ctx.getImageData(0, 0, 160, 40).data;
  const pixels: number[] = [];
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    pixels.push(data[i] ?? 255);
    if ((data[i] ?? 255) < 128) dark += 1;
  }
  return { pixels, dark };
}

describe('shipped font', () => {
  it('registers the npm font files under our family name', () => {
    const files = registerFonts();
    expect(files).toHaveLength(2);
    for (const file of files) expect(existsSync(file)).toBe(true);
    expect(GlobalFonts.has(FONT_FAMILY)).toBe(true);
    const styles = GlobalFonts.families.find((f) => f.family === FONT_FAMILY)?.styles ?? [];
    expect(styles.map((s) => s.weight).sort()).toEqual([400, 700]);
  });

  it('is what text is drawn with, not a system fallback', () => {
    registerFonts();
    // An unknown family falls back to the system default; if ours were not used, both would look alike.
    const ours = ink('LCK_Korea', font(20));
    const fallback = ink('LCK_Korea', '20px NoSuchFamilyAnywhere');
    expect(ours.dark).toBeGreaterThan(20);
    expect(ours.pixels).not.toEqual(fallback.pixels);
    expect(ink('LCK_Korea', font(20, 'bold')).dark).toBeGreaterThan(ours.dark);
  });

  it('draws Hangul and kana display names as real glyphs, not empty boxes', () => {
    registerFonts();
    // Missing glyphs all draw as the same box; two different syllables drawing differently means
    // the font has them.
    for (const [a, b] of [
      ['울', '프'],
      ['ら', 'だ'],
    ] as const) {
      const first = ink(a, font(24));
      const second = ink(b, font(24));
      expect(first.dark).toBeGreaterThan(10);
      expect(second.dark).toBeGreaterThan(10);
      expect(first.pixels).not.toEqual(second.pixels);
    }
  });
});
