/**
 * Whether `start` still has to import the sample dataset. An import killed half way leaves a graph that is
 * not empty but lacks streamers, so "the graph is empty" alone is not the test: `start` records that it
 * began the import (durably, before the first row) and that it finished, and imports again — importing is
 * idempotent — until it has finished once.
 */
import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../util/durable-file.js';

const FILE_NAME = 'start-import.json';
const stateSchema = z.object({ data: z.string(), finished: z.boolean() });

export async function sampleImportNeeded(dataDir: string, graphIsEmpty: boolean): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(dataDir, FILE_NAME), 'utf8');
  } catch {
    // No record: a new store, or one filled some other way (`import`, an earlier version) — leave that be.
    return graphIsEmpty;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true; // damaged: importing again is harmless
  }
  const state = stateSchema.safeParse(value);
  return !state.success || !state.data.finished;
}

export async function recordSampleImport(dataDir: string, data: string, finished: boolean): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFileDurably(join(dataDir, FILE_NAME), `${JSON.stringify({ data, finished })}\n`);
}
