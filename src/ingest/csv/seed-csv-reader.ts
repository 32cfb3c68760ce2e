/**
 * Stream one of the seed's CSV files row by row, validated. Every row comes out either as a graph record
 * or as a rejection that names its line, so the importer can go on (or stop, with --strict).
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILES } from '../../domain/csv-rows.schema.js';

type RowSchema<K extends SeedFileKind> = (typeof SEED_FILES)[K]['schema'];
export type SeedRecord<K extends SeedFileKind> = z.output<RowSchema<K>>;

export type SeedRow<K extends SeedFileKind> =
  { ok: true; line: number; value: SeedRecord<K> } | { ok: false; line: number; reason: string };

/** Bytes read so far, updated while the file streams (for progress lines). */
export interface ReadProgress {
  bytes: number;
}

/** The file cannot be read as this kind of seed file at all (missing, wrong header). */
export class SeedFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'SeedFileError';
  }
}

/** Text of a raw record without blank lines before it and its own line break after it. */
function recordCore(raw: string): string {
  return raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
}

/** csv-parse reports the line a record ends on; a quoted field can span lines, so count back. */
function startLine(endLine: number, raw: string | undefined): number {
  if (raw === undefined) return endLine;
  const core = recordCore(raw);
  let breaks = 0;
  for (const ch of core) if (ch === '\n') breaks += 1;
  return endLine - breaks;
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
 * Read `path` as the seed file `kind`. `label` is how the file is named in messages (its path as given).
 */
export async function* readSeedFile<K extends SeedFileKind>(
  path: string,
  kind: K,
  label: string = path,
  progress?: ReadProgress,
): AsyncGenerator<SeedRow<K>> {
  const spec = SEED_FILES[kind];
  const header: readonly string[] = spec.header;
  const schema = spec.schema as RowSchema<K>;
  const skipped: SeedRow<K>[] = [];
  let lastSkipLine = 0;
  const input = createReadStream(path);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', reject);
  });
  input.on('data', (chunk: Buffer | string) => {
    if (progress !== undefined) progress.bytes += chunk.length;
  });
  try {
    await opened;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SeedFileError(
      label,
      0,
      code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`,
    );
  }
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error, raw) => {
        const endLine = typeof error?.lines === 'number' ? error.lines : 0;
        const line = startLine(endLine, raw);
        // After a broken quote csv-parse retries from the same record; report each broken record once.
        if (line <= lastSkipLine) return undefined;
        lastSkipLine = line;
        skipped.push({ ok: false, line, reason: `malformed CSV: ${error?.message ?? 'unreadable record'}` });
        return undefined;
      },
    }),
  );
  let sawHeader = false;
  for await (const chunk of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
    raw?: string;
  }>) {
    while (skipped.length > 0) yield skipped.shift() as SeedRow<K>;
    const line = startLine(chunk.info.lines, chunk.raw);
    if (!sawHeader) {
      sawHeader = true;
      const got = chunk.record.map((c) => c.trim());
      if (got.join(',') !== header.join(',')) {
        parser.destroy();
        input.destroy();
        throw new SeedFileError(label, line, `header is "${got.join(',')}", expected "${header.join(',')}"`);
      }
      continue;
    }
    if (chunk.record.length !== header.length) {
      yield {
        ok: false,
        line,
        reason: `expected ${header.length} columns (${header.join(',')}), got ${chunk.record.length}`,
      };
      continue;
    }
    const row = Object.fromEntries(header.map((name, i) => [name, chunk.record[i]]));
    const parsed = schema.safeParse(row);
    if (parsed.success) yield { ok: true, line, value: parsed.data as SeedRecord<K> };
    else yield { ok: false, line, reason: describe(parsed.error, header) };
  }
  while (skipped.length > 0) yield skipped.shift() as SeedRow<K>;
  if (!sawHeader)
    throw new SeedFileError(label, 1, `file is empty; expected the header "${header.join(',')}"`);
}
