/** Decode PNGs the way a viewer would and look at their pixels. */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { rgb } from '../../src/render/theme.js';

export interface Decoded {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export async function decode(png: Buffer): Promise<Decoded> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return {
    width: image.width,
    height: image.height,
    data: ctx.getImageData(0, 0, image.width, image.height).data,
  };
}

export function pixelHex(image: Decoded, x: number, y: number): string {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  const hex = (v: number | undefined) => (v ?? 0).toString(16).padStart(2, '0');
  return `#${hex(image.data[i])}${hex(image.data[i + 1])}${hex(image.data[i + 2])}`;
}

/** How many pixels have exactly this colour. */
export function countColor(image: Decoded, hex: string): number {
  const [r, g, b] = rgb(hex);
  let count = 0;
  for (let i = 0; i < image.data.length; i += 4)
    if (image.data[i] === r && image.data[i + 1] === g && image.data[i + 2] === b) count += 1;
  return count;
}
