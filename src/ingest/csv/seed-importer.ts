/**
 * `twitchgraph import`: the five seed CSV files into the GraphStore, in batches, in dependency order
 * (streamers first). Bad rows are reported as `file:line: reason` and skipped (or stop the import with
 * `strict`); the summary counts rows read, written and rejected per file.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedFileKind } from '../../domain/csv-rows.schema.js';
import { SEED_FILE_ORDER, SEED_FILES, TWITCH_LIMITS } from '../../domain/csv-rows.schema.js';
import type {
  ChatterPresence,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
  WriteResult,
} from '../../domain/graph-records.js';
import { isTwitchLogin } from '../../domain/login.js';
import type { GraphWrites } from '../../graph/graph-store.port.js';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';
import type { ReadProgress, SeedRecord } from './seed-csv-reader.js';
import { readSeedFile, SeedFileError } from './seed-csv-reader.js';

export interface Rejection {
  file: string;
  line: number;
  /** The last line of a rejected range (a record spanning several lines). */
  lastLine?: number;
  reason: string;
}

/** `file:line: reason`, or `file:first-last: reason` for a range. */
export function rejectionText(r: Rejection): string {
  const where = r.lastLine === undefined || r.lastLine === r.line ? `${r.line}` : `${r.line}-${r.lastLine}`;
  return `${r.file}:${where}: ${r.reason}`;
}

export interface FileSummary {
  file: string;
  present: boolean;
  read: number;
  written: number;
  rejected: number;
  /** Rows that repeat an earlier row of the same file: read, but no change to write. */
  skipped: number;
  /** Descriptions cut to the Twitch limit. */
  truncated: number;
  truncatedExamples: number[];
  /** Logins that are not valid Twitch logins (e.g. turned into numbers by a spreadsheet); kept as-is. */
  oddLogins: number;
  oddLoginExamples: string[];
}

export interface ImportProgress {
  file: string;
  rows: number;
  bytes: number;
  totalBytes: number;
}

export interface ImportSummary {
  directory: string;
  files: FileSummary[];
  read: number;
  written: number;
  rejected: number;
  skipped: number;
  /** True when `strict` stopped the import at the first rejected row. */
  stopped: boolean;
  elapsedMs: number;
}

export interface ImportOptions {
  strict?: boolean;
  /** Seed files to leave out even when present (e.g. chatters that `start` replays instead). */
  skip?: readonly SeedFileKind[];
  batchSize?: number;
  onReject?: (rejection: Rejection) => void;
  onProgress?: (progress: ImportProgress) => void;
  /** Milliseconds between progress callbacks. */
  progressIntervalMs?: number;
}

interface Pending<T> {
  line: number;
  value: T;
}

/** What makes a row a distinct change, so a repeated row is counted once. */
/**
 * The rows of one file seen so far, to count repeats: a set of names per streamer id rather than one string
 * per row, so a million-row chatters.csv does not hold a million joined keys (≈ 100 MB) while it imports.
 */
class SeenRows {
  private readonly byStream = new Map<string, Set<string>>();

  /** False when the row repeats an earlier one. */
  add(kind: SeedFileKind, value: SeedRecord<SeedFileKind>): boolean {
    const [streamId, name] = rowKey(kind, value);
    let names = this.byStream.get(streamId);
    if (names === undefined) {
      names = new Set();
      this.byStream.set(streamId, names);
    }
    if (names.has(name)) return false;
    names.add(name);
    return true;
  }
}

function rowKey(kind: SeedFileKind, value: SeedRecord<SeedFileKind>): [string, string] {
  switch (kind) {
    case 'streamers':
      return [(value as StreamerRecord).id, ''];
    case 'teams': {
      const team = value as TeamMembership;
      return [team.streamerId, team.team];
    }
    default: {
      const grant = value as RoleGrant | ChatterPresence;
      return [grant.streamerId, grant.login];
    }
  }
}

function loginOf(kind: SeedFileKind, value: SeedRecord<SeedFileKind>): string | null {
  if (kind === 'streamers') return (value as StreamerRecord).login;
  if (kind === 'teams') return null;
  return (value as RoleGrant | ChatterPresence).login;
}

function streamIdOf(kind: SeedFileKind, value: SeedRecord<SeedFileKind>): string {
  return kind === 'streamers' ? (value as StreamerRecord).id : (value as TeamMembership).streamerId;
}

function writerFor(
  store: GraphWrites,
  kind: SeedFileKind,
): (rows: SeedRecord<SeedFileKind>[]) => Promise<WriteResult> {
  switch (kind) {
    case 'streamers':
      return (rows) => store.upsertStreamers(rows as StreamerRecord[]);
    case 'teams':
      return (rows) => store.addTeamMemberships(rows as TeamMembership[]);
    case 'vips':
    case 'moderators':
      return (rows) => store.addRoles(rows as RoleGrant[]);
    case 'chatters':
      return (rows) => store.addChatters(rows as ChatterPresence[]);
  }
}

export class ImportStopped extends TwitchgraphError<'IMPORT_STOPPED'> {
  readonly code = 'IMPORT_STOPPED';
  readonly canRetry = false;
  constructor(readonly rejection: Rejection) {
    super(`${rejectionText(rejection)} (stopped: --strict)`);
    this.name = 'ImportStopped';
  }
}

export async function importSeedDirectory(
  directory: string,
  store: GraphWrites,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 5_000;
  const progressEvery = options.progressIntervalMs ?? 500;
  const files: FileSummary[] = [];
  let stopped = false;

  const present = await Promise.all(
    SEED_FILE_ORDER.map(async (kind) => {
      try {
        return (await stat(join(directory, SEED_FILES[kind].file))).isFile();
      } catch {
        return false;
      }
    }),
  );
  if (!present.some(Boolean)) {
    throw new SeedFileError(
      directory,
      0,
      `no seed CSV files here (expected ${SEED_FILE_ORDER.map((k) => SEED_FILES[k].file).join(', ')})`,
    );
  }

  for (const [index, kind] of SEED_FILE_ORDER.entries()) {
    const label = join(directory, SEED_FILES[kind].file);
    const summary: FileSummary = {
      file: label,
      present: present[index] ?? false,
      read: 0,
      written: 0,
      rejected: 0,
      skipped: 0,
      truncated: 0,
      truncatedExamples: [],
      oddLogins: 0,
      oddLoginExamples: [],
    };
    files.push(summary);
    if (options.skip?.includes(kind) === true) summary.present = false;
    if (!summary.present || stopped) continue;

    const reject = (line: number, reason: string, lastLine = line) => {
      summary.rejected += 1;
      const rejection: Rejection = { file: label, line, reason, ...(lastLine === line ? {} : { lastLine }) };
      options.onReject?.(rejection);
      if (options.strict === true) throw new ImportStopped(rejection);
    };
    const write = writerFor(store, kind);
    const totalBytes = (await stat(label)).size;
    const progress: ReadProgress = { bytes: 0 };
    let lastProgress = performance.now();
    let pending: Pending<SeedRecord<SeedFileKind>>[] = [];
    const seen = new SeenRows();

    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const result = await write(batch.map((p) => p.value));
      summary.written += result.written;
      if (result.unknownStreamIds.length > 0) {
        const unknown = new Set(result.unknownStreamIds);
        for (const row of batch) {
          const id = streamIdOf(kind, row.value);
          if (unknown.has(id))
            reject(row.line, `user_id ${id} is not a known streamer (not in streamers.csv nor in the graph)`);
        }
      }
    };

    try {
      for await (const rows of readSeedFile(label, kind, label, progress)) {
        for (const row of rows) {
          summary.read += 1;
          if (!row.ok) {
            await flush();
            reject(row.line, row.reason, row.lastLine);
            continue;
          }
          if (!seen.add(kind, row.value)) {
            summary.skipped += 1;
            continue;
          }
          if (kind === 'streamers') {
            const streamer = row.value as StreamerRecord;
            // Code points, as Twitch counts; a slice first, as the text may be long.
            const characters = [...streamer.description.slice(0, 2 * TWITCH_LIMITS.description + 2)];
            if (characters.length > TWITCH_LIMITS.description) {
              // Twitch allows no more; a longer one is not a real description, so keep only what fits.
              streamer.description = characters.slice(0, TWITCH_LIMITS.description).join('');
              summary.truncated += 1;
              if (summary.truncatedExamples.length < 5) summary.truncatedExamples.push(row.line);
            }
          }
          const login = loginOf(kind, row.value);
          if (login !== null && !isTwitchLogin(login)) {
            summary.oddLogins += 1;
            if (summary.oddLoginExamples.length < 5) summary.oddLoginExamples.push(`${row.line}: ${login}`);
          }
          pending.push({ line: row.line, value: row.value });
          if (pending.length >= batchSize) await flush();
        }
        const now = performance.now();
        if (options.onProgress !== undefined && now - lastProgress >= progressEvery) {
          lastProgress = now;
          options.onProgress({ file: label, rows: summary.read, bytes: progress.bytes, totalBytes });
        }
      }
      await flush();
    } catch (error) {
      if (error instanceof ImportStopped) {
        stopped = true;
        continue;
      }
      if (error instanceof SeedFileError) {
        summary.rejected += 1;
        options.onReject?.({
          file: error.file,
          line: error.line,
          reason: error.message.slice(`${error.file}:${error.line}: `.length),
        });
        if (options.strict === true) stopped = true;
        continue;
      }
      throw error;
    }
    options.onProgress?.({ file: label, rows: summary.read, bytes: totalBytes, totalBytes });
  }
  await store.flush();
  const total = (key: 'read' | 'written' | 'rejected' | 'skipped') =>
    files.reduce((sum, f) => sum + f[key], 0);
  return {
    directory,
    files,
    read: total('read'),
    written: total('written'),
    rejected: total('rejected'),
    skipped: total('skipped'),
    stopped,
    elapsedMs: performance.now() - started,
  };
}
