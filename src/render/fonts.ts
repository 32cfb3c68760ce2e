/**
 * The one font every picture uses, registered with @napi-rs/canvas from an npm package so that text renders
 * the same on a machine with no system fonts (a container, CI) as on a desktop.
 *
 * Why Noto Sans KR (`@expo-google-fonts/noto-sans-kr`): display names in the demo data are Latin, Hangul
 * (울프, 쫀득이_) and Japanese kana (らっだぁ). Noto Sans KR covers Latin, Greek, Cyrillic, all 11,172 Hangul
 * syllables, hiragana and katakana and the KS X 1001 hanja, in plain TTF files that Skia loads directly
 * (fontsource packages ship only WOFF/WOFF2 split into hundreds of unicode-range subsets). The price is
 * size: about 6 MB per weight, 55 MB for the package's nine weights on disk; only two weights are loaded.
 * Scripts it lacks (Thai, Arabic, Devanagari, rarer Chinese characters) fall back to whatever system fonts
 * Skia finds, and render as empty boxes where there are none.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GlobalFonts } from '@napi-rs/canvas';

/**
 * The family name pictures ask for. An alias of our own, not "Noto Sans KR", so that a system copy of the
 * font (another version, other metrics) can never stand in for the shipped one.
 */
export const FONT_FAMILY = 'TwitchgraphSans';

const PACKAGE = '@expo-google-fonts/noto-sans-kr';
const FILES = ['400Regular/NotoSansKR_400Regular.ttf', '700Bold/NotoSansKR_700Bold.ttf'] as const;

let registered: readonly string[] | undefined;

/** Where the font files are (the package has no `exports` map, so its package.json resolves). */
export function fontFiles(): string[] {
  const root = dirname(createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`));
  return FILES.map((file) => join(root, file));
}

/**
 * Register the regular and bold weights under {@link FONT_FAMILY}; idempotent and cheap after the first
 * call (Skia maps the files lazily). Every renderer calls it first, so no caller has to remember to.
 */
export function registerFonts(): readonly string[] {
  if (registered !== undefined) return registered;
  const files = fontFiles();
  for (const file of files) {
    if (GlobalFonts.registerFromPath(file, FONT_FAMILY) === null)
      throw new Error(`could not load the font ${file}; is ${PACKAGE} installed?`);
  }
  registered = files;
  return files;
}

/** A CSS font shorthand in our family, e.g. `font(13)` or `font(20, 'bold')`. */
export function font(sizePx: number, weight: 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'bold' ? 'bold ' : ''}${sizePx}px ${FONT_FAMILY}`;
}
