/**
 * Writes the seed's CSV files (headers from `SEED_FILES`, so the importer reads them back): RFC 4180 quoting —
 * a field with a comma, a double quote, CR or LF is quoted and its quotes doubled; LF line ends, as the
 * seed's files have. Each file is written to a temporary name and renamed, so a crash leaves no half file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILES } from '../../domain/csv-rows.schema.js';

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
