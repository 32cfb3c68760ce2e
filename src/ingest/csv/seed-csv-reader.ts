/**
 * Stream one of the seed's CSV files row by row, validated. Every row comes out either as a graph record
 * or as a rejection that names its line, so the importer can go on (or stop, with --strict).
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import type { z } from 'zod';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILES } from '../../domain/csv-rows.schema.js';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';

type RowSchema<K extends SeedFileKind> = (typeof SEED_FILES)[K]['schema'];
export type SeedRecord<K extends SeedFileKind> = z.output<RowSchema<K>>;

export type SeedRow<K extends SeedFileKind> =
  { ok: true; line: number; value: SeedRecord<K> } | { ok: false; line: number; reason: string };

const ROWS_PER_YIELD = 1_000;

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

function countBreaks(text: string): number {
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks += 1;
  return breaks;
}

/** Blank lines that csv-parse skipped are part of the next record's raw text. */
function leadingBreaks(raw: string): number {
  const match = /^(\r?\n)+/.exec(raw);
  return match === null ? 0 : countBreaks(match[0]);
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
  // csv-parse reports skipped (malformed) records from inside the parser, ahead of the records we are
  // still iterating; each skip remembers how many records came before it so it is yielded in order.
  const skipped: { recordsBefore: number; line: number; linesAfter: number; reason: string }[] = [];
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
  // Line numbers come from counting line breaks in each record's raw text: csv-parse's `info` option
  // would give them too, but costs more than the parsing itself on large files.
  const parser = input.pipe(
    parse({
      bom: true,
      raw: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      on_skip: (error, raw) => {
        const lineOfError = typeof error?.lines === 'number' ? error.lines : 0;
        const text = raw ?? '';
        const core = text.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '');
        const line = lineOfError - countBreaks(core);
        // After a broken quote csv-parse retries from the same record; report each broken record once.
        if (line <= lastSkipLine) return undefined;
        lastSkipLine = line;
        skipped.push({
          recordsBefore: parser.info.records,
          line,
          linesAfter: lineOfError - (text.endsWith('\n') ? 0 : 1),
          reason: `malformed CSV: ${error?.message ?? 'unreadable record'}`,
        });
        return undefined;
      },
    }),
  );
  let linesConsumed = 0;
  let records = 0;
  let sawHeader = false;
  // Rows go out in arrays: one async step per row would cost more than parsing it.
  let out: SeedRow<K>[] = [];
  const takeSkips = () => {
    while (skipped.length > 0 && (skipped[0]?.recordsBefore ?? Infinity) <= records) {
      const skip = skipped.shift() as (typeof skipped)[number];
      linesConsumed = Math.max(linesConsumed, skip.linesAfter);
      out.push({ ok: false, line: skip.line, reason: skip.reason });
    }
  };
  for await (const chunk of parser as AsyncIterable<{ record: string[]; raw: string }>) {
    takeSkips();
    if (out.length >= ROWS_PER_YIELD) {
      yield out;
      out = [];
    }
    records += 1;
    const line = linesConsumed + leadingBreaks(chunk.raw) + 1;
    linesConsumed += countBreaks(chunk.raw);
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
      out.push({
        ok: false,
        line,
        reason: `expected ${header.length} columns (${header.join(',')}), got ${chunk.record.length}`,
      });
      continue;
    }
    const row = Object.fromEntries(header.map((name, i) => [name, chunk.record[i]]));
    const parsed = schema.safeParse(row);
    if (parsed.success) out.push({ ok: true, line, value: parsed.data as SeedRecord<K> });
    else out.push({ ok: false, line, reason: describe(parsed.error, header) });
  }
  records = Infinity;
  takeSkips();
  if (out.length > 0) yield out;
  if (!sawHeader)
    throw new SeedFileError(label, 1, `file is empty; expected the header "${header.join(',')}"`);
}
