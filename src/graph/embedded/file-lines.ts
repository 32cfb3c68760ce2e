/**
 * The lines of a file as bytes, read a chunk at a time with the next chunk's read under way while the
 * current one's lines are handled. Used where the embedded store opens its files (snapshot, journal): a
 * cold `ask` on a 1M-relationship store reads some 80 MB, and reading them whole first left the CPU idle
 * meanwhile and held them all in memory at once (docs/ARCHITECTURE.md, "A cold `ask`").
 */
import { open } from 'node:fs/promises';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 4 << 20;

/**
 * The lines of each chunk read, in order: each without its `\n` (a `\r` before it is kept: the caller
 * decides), the last one also when the file does not end with `\n`. Whole batches, not a line at a time, so
 * a file of a million short lines (a format-1 snapshot, a journal of chat batches) does not pay an `await`
 * per line. A line is a view of a read buffer, or a copy when it spans reads, and is valid only until the
 * next batch is asked for: two buffers take turns (one read into while the other's lines are handed out), so
 * a big file is not a new allocation per chunk. Errors of `open` and of reads (ENOENT, EIO) are thrown as
 * they are.
 */
export async function* fileLineBatches(file: string, chunkBytes = CHUNK_BYTES): AsyncGenerator<Buffer[]> {
  const handle = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)] as const;
  let turn = 0;
  const readChunk = async (): Promise<Buffer> => {
    const chunk = buffers[turn] as Buffer;
    turn = 1 - turn;
    const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
    return chunk.subarray(0, bytesRead);
  };
  let next = readChunk();
  // Awaited below; this only keeps a failed read-ahead that nobody waits for any more from being unhandled.
  next.catch(() => undefined);
  try {
    let pending: Buffer[] = [];
    for (;;) {
      const data = await next;
      if (data.length === 0) break;
      // The buffer read into next is the one the last chunk was in: what is left of that chunk is copied.
      const tail = pending.pop();
      if (tail !== undefined) pending.push(Buffer.from(tail));
      next = readChunk();
      next.catch(() => undefined);
      const lines: Buffer[] = [];
      let start = 0;
      for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
        const piece = data.subarray(start, end);
        lines.push(pending.length === 0 ? piece : Buffer.concat([...pending, piece]));
        pending = [];
        start = end + 1;
      }
      if (start < data.length) pending.push(data.subarray(start));
      if (lines.length > 0) yield lines;
    }
    if (pending.length > 0) yield [Buffer.concat(pending)];
  } finally {
    // Never close the file under a read still running (a caller that stopped early).
    await next.catch(() => undefined);
    await handle.close();
  }
}
