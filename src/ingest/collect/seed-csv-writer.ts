/**
 * Writes the seed's CSV files (headers from `SEED_FILES`, so the importer reads them back): RFC 4180 quoting —
 * a field with a comma, a double quote, CR or LF is quoted and its quotes doubled; LF line ends, as the
 * seed's files have. Each file is written to a temporary name and renamed, so a crash leaves no half file.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILE_ORDER, SEED_FILES } from '../../domain/csv-rows.schema.js';

/** One row of a seed file, by column name. */
export type SeedCsvRow<K extends SeedFileKind> = Record<(typeof SEED_FILES)[K]['header'][number], string>;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

export async function writeSeedCsv<K extends SeedFileKind>(
  directory: string,
  kind: K,
  rows: readonly SeedCsvRow<K>[],
): Promise<string> {
  const { file, header } = SEED_FILES[kind];
  const columns = header as readonly (keyof SeedCsvRow<K>)[];
  const lines = [csvLine(header), ...rows.map((row) => csvLine(columns.map((c) => row[c])))];
  await mkdir(directory, { recursive: true });
  const path = join(directory, file);
  const partial = `${path}.partial`;
  await writeFile(partial, `${lines.join('\n')}\n`, 'utf8');
  await rename(partial, path);
  return path;
}

/** The rows of each seed file to write; a kind left out gets no file. */
export type SeedFileRows = { [K in SeedFileKind]?: readonly SeedCsvRow<K>[] };

async function writeKind<K extends SeedFileKind>(
  directory: string,
  kind: K,
  seed: SeedFileRows,
): Promise<boolean> {
  const rows = seed[kind];
  if (rows === undefined) return false;
  await writeSeedCsv(directory, kind, rows);
  return true;
}

/**
 * Makes `directory` hold this seed and no other: the importer reads whatever seed files it finds, so a
 * seed file from an earlier run that this one does not write (vips.csv from a run with the broadcaster's
 * token, chatters.csv from a copy of the demo data) would be imported with the new streamers. Everything
 * is written into a staging folder first, so a failed run changes nothing; then the stale seed files are
 * removed and the new ones renamed in. Files that are not seed files are left alone.
 * Returns the paths written, in import order.
 */
export async function replaceSeedDirectory(directory: string, seed: SeedFileRows): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  // Inside `directory`, so the renames stay on one file system and are atomic.
  const staging = await mkdtemp(join(directory, '.seed-'));
  try {
    const written: SeedFileKind[] = [];
    for (const kind of SEED_FILE_ORDER) if (await writeKind(staging, kind, seed)) written.push(kind);
    for (const kind of SEED_FILE_ORDER)
      if (!written.includes(kind)) await rm(join(directory, SEED_FILES[kind].file), { force: true });
    for (const kind of written)
      await rename(join(staging, SEED_FILES[kind].file), join(directory, SEED_FILES[kind].file));
    return written.map((kind) => join(directory, SEED_FILES[kind].file));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
