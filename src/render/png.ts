/**
 * PNG encoding tuned for speed over size. Skia's encoder (`canvas.encode('png')`) tries several row filters
 * and compresses at zlib level 6: about 85 ms of CPU for a 1000×750 graph picture on the 2-core target.
 * The "Up" filter with zlib level 1 takes about 35 ms, and the file is about 4% larger. Size does not
 * matter for a Discord attachment of a few hundred KiB. The output is deterministic, like Skia's, so
 * byte-identical renders stay byte-identical.
 *
 * Every picture here is drawn on an opaque background, so pixels are written as RGB without alpha
 * (PNG colour type 2). See the PNG specification, https://www.w3.org/TR/png/ (chunks, filter type 2).
 */
import { promisify } from 'node:util';
import { crc32, deflate } from 'node:zlib';
import type { Canvas } from '@napi-rs/canvas';

const deflateAsync = promisify(deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  // The CRC covers the chunk type and data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/** Encode an opaque canvas as an RGB PNG; compression runs on libuv's thread pool. */
export async function encodePng(canvas: Canvas): Promise<Buffer> {
  const { width, height } = canvas;
  const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    raw[out] = 2; // filter "Up": each byte minus the byte above it; long runs of equal rows become zeros
    const row = y * width * 4;
    const above = row - width * 4;
    for (let x = 0, o = out + 1; x < width; x++, o += 3) {
      const i = row + x * 4;
      if (y === 0) {
        raw[o] = rgba[i] ?? 0;
        raw[o + 1] = rgba[i + 1] ?? 0;
        raw[o + 2] = rgba[i + 2] ?? 0;
      } else {
        const j = above + x * 4;
        raw[o] = ((rgba[i] ?? 0) - (rgba[j] ?? 0)) & 0xff;
        raw[o + 1] = ((rgba[i + 1] ?? 0) - (rgba[j + 1] ?? 0)) & 0xff;
        raw[o + 2] = ((rgba[i + 2] ?? 0) - (rgba[j + 2] ?? 0)) & 0xff;
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  // Bytes 10–12 stay 0: deflate compression, adaptive filtering, no interlace.
  const data = await deflateAsync(raw, { level: 1 });
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', data),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
