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

/** Replaces `path` with `text` all-or-nothing; a failure says which file and why, in one line. */
export async function writeFileDurably(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await writeAll(handle, Buffer.from(text, 'utf8'));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
    await syncDirectory(dirname(path));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new Error(
      `Could not write ${path}: ${diskProblem(error)}; the previous content is kept (free some space, or fix the disk, and run it again).`,
      {
        cause: error,
      },
    );
  }
}

/** What went wrong writing, as a user can act on it. */
export function diskProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the disk is full';
  if (code === 'EIO') return `an I/O error (${(error as Error).message})`;
  if (code === 'EROFS') return 'the file system is read-only';
  return error instanceof Error ? error.message : String(error);
}
