import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/render/png.js';
import { decode } from './pixels.js';

function picture() {
  const canvas = createCanvas(123, 45);
  const ctx = canvas.getContext('2d');
  const gradient = ctx.createLinearGradient(0, 0, 123, 45);
  gradient.addColorStop(0, '#313338');
  gradient.addColorStop(1, '#f0e442');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 123, 45);
  ctx.strokeStyle = 'rgba(86, 180, 233, 0.6)';
  ctx.lineWidth = 3;
  ctx.beginPath();
  ctx.arc(60, 22, 15, 0, Math.PI * 2);
  ctx.stroke();
  return canvas;
}

describe('encodePng', () => {
  it('round-trips every pixel of an opaque picture', async () => {
    const canvas = picture();
    const png = await encodePng(canvas);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.readUInt32BE(16)).toBe(123);
    expect(png.readUInt32BE(20)).toBe(45);
    expect(png[25]).toBe(2); // RGB
    const decoded = await decode(png);
    const original = canvas.getContext('2d').getImageData(0, 0, 123, 45).data;
    expect([decoded.width, decoded.height]).toEqual([123, 45]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(original))).toBe(true);
  });

  it('gives the same bytes for the same pixels', async () => {
    expect((await encodePng(picture())).equals(await encodePng(picture()))).toBe(true);
  });
});
