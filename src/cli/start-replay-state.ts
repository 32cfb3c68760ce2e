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

async function readState(dataDir: string): Promise<StartReplayState | undefined> {
  let text: string;
  try {
    text = await readFile(statePath(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  try {
    return stateSchema.parse(JSON.parse(text));
  } catch {
    // A damaged record costs at most a replay from the start; it must not stop the product.
    return undefined;
  }
}

/** Events of `file` already published by earlier starts; 0 for another file or no (or an unreadable) record. */
export async function replayedSoFar(dataDir: string, file: string): Promise<number> {
  const state = await readState(dataDir);
  return state?.file === resolve(file) ? state.published : 0;
}

/**
 * Whether `start` put the sample from `file` into this store (a record exists for it, even at 0 events).
 * A store that holds data without one was filled by something else (`import`, `ingest`), and replaying the
 * sample into it would mix two datasets.
 */
export async function sampleStartedHere(dataDir: string, file: string): Promise<boolean> {
  return (await readState(dataDir))?.file === resolve(file);
}

export async function recordReplayed(dataDir: string, file: string, published: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const path = statePath(dataDir);
  const state: StartReplayState = { file: resolve(file), published };
  await writeFile(`${path}.tmp`, `${JSON.stringify(state)}\n`);
  await rename(`${path}.tmp`, path);
}
