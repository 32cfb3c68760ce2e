/**
 * Whether `start`'s first-run import of the sample dataset has finished. A kill during that import leaves
 * part of it in the graph, and "the graph is empty" no longer says it must run; so the import is marked as
 * begun before its first write and as done after its last, and a begun one is run again on the next start
 * (importing is idempotent: every row is merged).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../util/durable-file.js';

const FILE_NAME = 'start-import.json';
const stateSchema = z.object({ state: z.enum(['begun', 'done']) });

function statePath(dataDir: string): string {
  return join(dataDir, FILE_NAME);
}

/** Whether to import the sample: an import begun and not finished, or an empty graph never imported into. */
export async function firstImportNeeded(dataDir: string, graphIsEmpty: boolean): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(statePath(dataDir), 'utf8');
  } catch {
    return graphIsEmpty;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = stateSchema.safeParse(value);
  // A damaged record costs one more (idempotent) import, never a half-imported graph.
  return !parsed.success || parsed.data.state === 'begun' || graphIsEmpty;
}

export async function recordFirstImport(dataDir: string, state: 'begun' | 'done'): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileDurably(statePath(dataDir), `${JSON.stringify({ state })}\n`);
}

/** Whether `start` imported (or began importing) the sample into this store. */
export async function startImportedHere(dataDir: string): Promise<boolean> {
  try {
    await readFile(statePath(dataDir), 'utf8');
    return true;
  } catch {
    return false;
  }
}
