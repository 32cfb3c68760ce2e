/**
 * Stream one of the seed's CSV files row by row, validated. Every row comes out either as a graph record
 * or as a rejection that names its line, so the importer can go on (or stop, with --strict).
 */
import type { z } from 'zod';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILES } from '../../domain/csv-rows.schema.js';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';

import { readCsvRecords } from './csv-lines.js';

type RowSchema<K extends SeedFileKind> = (typeof SEED_FILES)[K]['schema'];
export type SeedRecord<K extends SeedFileKind> = z.output<RowSchema<K>>;

/** `line`–`lastLine` are the physical lines a row spans (more than one when a quoted field holds breaks). */
export type SeedRow<K extends SeedFileKind> =
  | { ok: true; line: number; lastLine: number; value: SeedRecord<K> }
  | { ok: false; line: number; lastLine: number; reason: string };

/** Bytes read so far, updated while the file streams (for progress lines). */
export interface ReadProgress {
  bytes: number;
}

/** The file cannot be read as this kind of seed file at all (missing, wrong header). */
export class SeedFileError extends TwitchgraphError<'SEED_FILE_INVALID'> {
  readonly code = 'SEED_FILE_INVALID';
  readonly canRetry = false;
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'SeedFileError';
  }
}

function describe(error: z.ZodError, header: readonly string[]): string {
  return error.issues
    .map((issue) => {
      const column = issue.path[0];
      const name = typeof column === 'string' && header.includes(column) ? column : undefined;
      return name === undefined ? issue.message : `${name}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Read `path` as the seed file `kind`, in order, as arrays of rows. `label` is how the file is named in messages (its path as given).
 */
export async function* readSeedFile<K extends SeedFileKind>(
  path: string,
  kind: K,
  label: string = path,
  progress?: ReadProgress,
): AsyncGenerator<SeedRow<K>[]> {
  const spec = SEED_FILES[kind];
  const header: readonly string[] = spec.header;
  const schema = spec.schema as RowSchema<K>;
  const records = readCsvRecords(path, progress);
  let sawHeader = false;
  try {
    // Rows go out in arrays: one async step per row would cost more than parsing it.
    for await (const chunk of records) {
      const out: SeedRow<K>[] = [];
      for (const record of chunk) {
        if (record.kind === 'blank') continue;
        const { line, lastLine } = record;
        if (!sawHeader) {
          sawHeader = true;
          const expected = `"${header.join(',')}"`;
          if (record.kind === 'broken')
            throw new SeedFileError(label, line, `${record.reason}; expected the header ${expected}`);
          const got = record.fields.map((c) => c.trim()).join(',');
          if (got !== header.join(','))
            throw new SeedFileError(label, line, `header is "${got}", expected ${expected}`);
          continue;
        }
        if (record.kind === 'broken') {
          out.push({ ok: false, line, lastLine, reason: record.reason });
          continue;
        }
        if (record.fields.length !== header.length) {
          out.push({
            ok: false,
            line,
            lastLine,
            reason: `expected ${header.length} columns (${header.join(',')}), got ${record.fields.length}`,
          });
          continue;
        }
        const row = Object.fromEntries(header.map((name, i) => [name, record.fields[i]]));
        const parsed = schema.safeParse(row);
        if (parsed.success) out.push({ ok: true, line, lastLine, value: parsed.data as SeedRecord<K> });
        else out.push({ ok: false, line, lastLine, reason: describe(parsed.error, header) });
      }
      if (out.length > 0) yield out;
    }
  } catch (error) {
    if (error instanceof SeedFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new SeedFileError(
      label,
      0,
      code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
    );
  } finally {
    await records.return(undefined);
  }
  if (!sawHeader)
    throw new SeedFileError(label, 1, `file is empty; expected the header "${header.join(',')}"`);
}
