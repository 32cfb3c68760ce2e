/**
 * Writing files so that what a crash or a full disk leaves behind is either the old content or the new,
 * never a mix: every byte written or an error, synced, then renamed into place, then the directory synced
 * (the rename is only durable once the directory is).
 */
import type { FileHandle } from 'node:fs/promises';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * `FileHandle.write` may write less than asked — a filling disk first shows up as a short write — so this
 * goes on until all is written and takes a write that makes no progress for a full disk.
 */
export async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
    if (bytesWritten <= 0) {
      throw Object.assign(new Error('no space left on device (a write made no progress)'), {
        code: 'ENOSPC',
      });
    }
    written += bytesWritten;
  }
}

export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Replaces `path` with `text` all-or-nothing. */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await writeAll(handle, Buffer.from(text, 'utf8'));
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(temp, path);
  await syncDirectory(dirname(path));
}
