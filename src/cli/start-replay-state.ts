/**
 * How far `start` got through the sample chatters, so a second start goes on from there instead of
 * replaying the file again (which would count every sample message twice).
 *
 * The position must move with the graph, or a crash between the two counts messages twice or loses them.
 * So what is kept here is written before anything is published and never says how far the replay got: it
 * says which bus offset the replay's next event gets (`base`) and which line of the file that event is
 * (`index`). How far the replay got is read from the graph itself — the worker stores its next offset in the
 * same journalled write as the events — so after any stop, `index + (stored offset − base)` events are in
 * the graph, and the replay resumes right after them.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../util/durable-file.js';

const FILE_NAME = 'start-replay.json';

const stateSchema = z.union([
  z.object({
    file: z.string(),
    base: z.string().regex(/^\d+$/),
    index: z.number().int().nonnegative(),
  }),
  // With Kafka, and from earlier versions: events published so far, written when the replay stops.
  z.object({ file: z.string(), published: z.number().int().nonnegative() }),
]);
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

/**
 * Events of `file` the graph already holds, given the worker's stored next offset on the replay's topic
 * (`null` when it stored none); 0 for another file or no (or an unreadable) record.
 */
export async function replayedSoFar(
  dataDir: string,
  file: string,
  storedNext: bigint | null,
): Promise<number> {
  const state = await readState(dataDir);
  if (state === undefined || state.file !== resolve(file)) return 0;
  if ('published' in state) return state.published;
  const applied = storedNext === null ? 0n : storedNext - BigInt(state.base);
  return state.index + Number(applied > 0n ? applied : 0n);
}

/** Records, durably and before publishing, that line `index` of `file` is published at bus offset `base`. */
export async function recordReplayStart(
  dataDir: string,
  file: string,
  base: bigint,
  index: number,
): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const state: StartReplayState = { file: resolve(file), base: base.toString(), index };
  await writeFileDurably(statePath(dataDir), `${JSON.stringify(state)}\n`);
}

/** With Kafka: events of `file` published so far (Kafka keeps them; see start.cli.ts). */
export async function recordPublished(dataDir: string, file: string, published: number): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const state: StartReplayState = { file: resolve(file), published };
  await writeFileDurably(statePath(dataDir), `${JSON.stringify(state)}\n`);
}

/**
 * Whether `start` replayed the sample from `file` into this store (a record exists for it). A store that
 * holds data without one was filled by something else (`import`, `ingest`), and replaying the sample into
 * it would mix two datasets.
 */
export async function sampleStartedHere(dataDir: string, file: string): Promise<boolean> {
  return (await readState(dataDir))?.file === resolve(file);
}
