/**
 * Whole-graph results (bot flags, communities, PageRank and betweenness scores) kept on disk beside the
 * snapshot, so the next process that opens the same graph reuses them instead of computing them again: a cold
 * `twitchgraph ask` at 1M relationships otherwise spends most of its second on them (docs/ARCHITECTURE.md,
 * "Derived results").
 *
 * The file is a cache, never data: it is keyed by the graph it was computed on (the snapshot's SHA-256 and
 * the last journal entry applied after it), carries a SHA-256 of its own, and anything that does not match
 * is ignored, so a missing, stale, cut or foreign file only costs the computation. Layout: one JSON header
 * line (the key, the JSON values, a table of arrays and the payload's checksum), then the arrays' raw
 * little-endian bytes.
 */
import { createHash } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const DERIVED_FILE = 'graph.derived';
const FORMAT = 'twitchgraph-derived';
const VERSION = 1;

const headerSchema = z.object({
  format: z.literal(FORMAT),
  version: z.literal(VERSION),
  key: z.string(),
  values: z.record(z.string(), z.unknown()),
  arrays: z.array(z.object({ name: z.string(), length: z.number().int().nonnegative() })),
  sha256: z.string(),
});

/** The graph a result was computed on: the snapshot's checksum and the journal entries applied after it. */
export function derivedKey(snapshotChecksum: string, lastSeq: number): string {
  return `${snapshotChecksum}@${lastSeq}`;
}

/** The values kept for `key`, or undefined when there is no file or it was made for another graph. */
export async function readDerivedFile(
  dataDir: string,
  key: string,
): Promise<Map<string, unknown> | undefined> {
  let data: Buffer;
  try {
    data = await readFile(join(dataDir, DERIVED_FILE));
  } catch {
    return undefined;
  }
  const end = data.indexOf(0x0a);
  if (end < 0) return undefined;
  let header: z.infer<typeof headerSchema>;
  try {
    const parsed = headerSchema.safeParse(JSON.parse(data.toString('utf8', 0, end)));
    if (!parsed.success) return undefined;
    header = parsed.data;
  } catch {
    return undefined;
  }
  if (header.key !== key) return undefined;
  const payload = data.subarray(end + 1);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) return undefined;
  const values = new Map<string, unknown>(Object.entries(header.values));
  let at = 0;
  for (const { name, length } of header.arrays) {
    const bytes = length * Float64Array.BYTES_PER_ELEMENT;
    if (at + bytes > payload.length) return undefined;
    // A copy: the payload's offset in the file's buffer need not be 8-byte aligned.
    const array = new Float64Array(length);
    new Uint8Array(array.buffer).set(payload.subarray(at, at + bytes));
    values.set(name, array);
    at += bytes;
  }
  return at === payload.length ? values : undefined;
}

/**
 * Replace the file with `values` (JSON, or `Float64Array`s kept as raw bytes) for `key`. Written beside and
 * renamed, so a reader sees the old file or the new one; not synced, since losing it after a crash only costs
 * recomputing it. A temporary file a crash leaves is removed with the snapshot's (`removeOrphanTempFiles`).
 */
export async function writeDerivedFile(
  dataDir: string,
  key: string,
  values: ReadonlyMap<string, unknown>,
): Promise<void> {
  const json: Record<string, unknown> = {};
  const arrays: { name: string; length: number }[] = [];
  const parts: Buffer[] = [];
  for (const [name, value] of values) {
    if (value instanceof Float64Array) {
      arrays.push({ name, length: value.length });
      parts.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    } else json[name] = value;
  }
  const payload = Buffer.concat(parts);
  const header = {
    format: FORMAT,
    version: VERSION,
    key,
    values: json,
    arrays,
    sha256: createHash('sha256').update(payload).digest('hex'),
  };
  const file = join(dataDir, DERIVED_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temp, Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload]));
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
