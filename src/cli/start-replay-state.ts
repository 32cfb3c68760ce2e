/**
 * How far `start` got through the sample chatters, kept in the data directory: a second start goes on from
 * there instead of replaying the file again, which would count every sample message twice.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const FILE_NAME = 'start-replay.json';

const stateSchema = z.object({ file: z.string(), published: z.number().int().nonnegative() });
export type StartReplayState = z.infer<typeof stateSchema>;

function statePath(dataDir: string): string {
  return join(dataDir, FILE_NAME);
}

/** Events of `file` already published by earlier starts; 0 for another file or no (or an unreadable) record. */
export async function replayedSoFar(dataDir: string, file: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(statePath(dataDir), 'utf8');
  } catch {
    return 0;
  }
  let state: StartReplayState;
  try {
    state = stateSchema.parse(JSON.parse(text));
  } catch {
    // A damaged record costs at most a replay from the start; it must not stop the product.
    return 0;
  }
  return state.file === resolve(file) ? state.published : 0;
}

export async function recordReplayed(dataDir: string, file: string, published: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = statePath(dataDir);
  const state: StartReplayState = { file: resolve(file), published };
  await writeFile(`${path}.tmp`, `${JSON.stringify(state)}\n`);
  await rename(`${path}.tmp`, path);
}
