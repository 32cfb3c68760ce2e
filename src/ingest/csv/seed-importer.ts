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

/**
 * The rows of one file seen so far, to count repeats (a repeated row is counted once). Kept as UTF-8 bytes in
 * one buffer with an open-addressing table of where each key starts, not as JS strings: a million-row
 * chatters.csv would otherwise keep a million logins (and, through V8's sliced strings, the 64 KiB blocks
 * they were cut from) in the heap until the file ends, and their promotion interleaved with the graph's own
 * names left the heap fragmented after the import (issue 19, docs/ARCHITECTURE.md "The embedded store").
 */
export class SeenRows {
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  /** Start of each key's record in `bytes` (−1: empty slot), and the key's hash, by slot. */
  private starts = new Int32Array(1 << 12).fill(-1);
  private hashes = new Int32Array(1 << 12);
  private count = 0;
  private readonly encoder = new TextEncoder();
  private readonly oddKeys = new Set<string>();

  /** False when the row repeats an earlier one. */
  add(kind: SeedFileKind, value: SeedRecord<SeedFileKind>): boolean {
    const [streamId, name] = rowKey(kind, value);
    return this.addKey(`${streamId.length}:${streamId}${name}`);
  }

  /** False when `key` was added before. */
  addKey(key: string): boolean {
    // UTF-8 turns every lone surrogate into U+FFFD, so such keys (none from a file the reader decoded) are
    // kept as strings: two different keys must never look alike.
    if (!(key as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      if (this.oddKeys.has(key)) return false;
      this.oddKeys.add(key);
      return true;
    }
    // A record: 4 bytes of length (little-endian), then the key's UTF-8 (at most 3 bytes a code unit).
    const room = 4 + 3 * key.length;
    if (this.used + room > this.bytes.length) {
      // Record starts are Int32: 2 GiB of distinct keys is some 80 million rows of one file.
      if (this.used + room > 0x7fffffff) throw new Error('more than 2 GiB of distinct rows in one seed file');
      const next = new Uint8Array(Math.min(0x7fffffff, Math.max(this.bytes.length * 2, this.used + room)));
      next.set(this.bytes.subarray(0, this.used));
      this.bytes = next;
    }
    const at = this.used + 4;
    const length = this.encoder.encodeInto(key, this.bytes.subarray(at)).written;
    let hash = 0x811c9dc5;
    for (let i = at; i < at + length; i += 1) hash = Math.imul(hash ^ (this.bytes[i] as number), 0x01000193);
    const mask = this.starts.length - 1;
    let slot = hash & mask;
    for (let start = this.starts[slot] as number; start !== -1; start = this.starts[slot] as number) {
      if (this.hashes[slot] === hash && this.sameKey(start, at, length)) return false;
      slot = (slot + 1) & mask;
    }
    this.bytes[this.used] = length & 0xff;
    this.bytes[this.used + 1] = (length >>> 8) & 0xff;
    this.bytes[this.used + 2] = (length >>> 16) & 0xff;
    this.bytes[this.used + 3] = length >>> 24;
    this.starts[slot] = this.used;
    this.hashes[slot] = hash;
    this.used = at + length;
    this.count += 1;
    if (this.count * 2 > this.starts.length) this.rehash();
    return true;
  }

  private lengthAt(start: number): number {
    const b = this.bytes;
    return (
      ((b[start] as number) |
        ((b[start + 1] as number) << 8) |
        ((b[start + 2] as number) << 16) |
        ((b[start + 3] as number) << 24)) >>>
      0
    );
  }

  private sameKey(start: number, at: number, length: number): boolean {
    if (this.lengthAt(start) !== length) return false;
    const b = this.bytes;
    for (let i = 0; i < length; i += 1) if (b[start + 4 + i] !== b[at + i]) return false;
    return true;
  }

  private rehash(): void {
    const starts = new Int32Array(this.starts.length * 2).fill(-1);
    const hashes = new Int32Array(starts.length);
    const mask = starts.length - 1;
    for (let old = 0; old < this.starts.length; old += 1) {
      const start = this.starts[old] as number;
      if (start === -1) continue;
      const hash = this.hashes[old] as number;
      let slot = hash & mask;
      while (starts[slot] !== -1) slot = (slot + 1) & mask;
      starts[slot] = start;
      hashes[slot] = hash;
    }
    this.starts = starts;
    this.hashes = hashes;
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
