/**
 * The embedded store's write-ahead journal: every write (an import batch, a chat batch with its bus offsets,
 * a /monitor change) is appended as one line and synced before the write counts. A snapshot folds the
 * journal in; on open, the snapshot is read and the journal entries after it are applied again. So a crash
 * at any moment loses only writes that never returned, and those were never acknowledged to the bus or the
 * replay, which deliver them again (docs/ARCHITECTURE.md, "Durability").
 *
 * Files: `journal-<first seq>.ndjson` segments in the data directory. A writer starts a new segment when it
 * opens and whenever a snapshot is taken, so a segment can be dropped whole once a snapshot covers it.
 * Writes that arrive while a sync is under way are written and synced together (group commit).
 */
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ChatActivity,
  ChatterPresence,
  OffsetUpdate,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
} from '../../domain/graph-records.js';
import { GraphStoreError } from '../graph-store.port.js';
import { syncDirectory, writeAll, diskProblem } from '../../util/durable-file.js';
import { fileLineBatches } from './file-lines.js';

export type JournalEntry =
  | { op: 'streamers'; rows: readonly StreamerRecord[] }
  | { op: 'teams'; rows: readonly TeamMembership[] }
  | { op: 'roles'; rows: readonly RoleGrant[] }
  | { op: 'chatters'; rows: readonly ChatterPresence[] }
  | { op: 'chat'; rows: readonly ChatActivity[]; offsets: readonly OffsetUpdate[] }
  | { op: 'monitor'; login: string; wanted: boolean; requestedBy: string; at: number };

export interface JournalRecord {
  seq: number;
  entry: JournalEntry;
}

const SEGMENT = /^journal-(\d+)\.ndjson$/;
const OPS = new Set(['streamers', 'teams', 'roles', 'chatters', 'chat', 'monitor']);

function segmentName(firstSeq: number): string {
  return `journal-${String(firstSeq).padStart(12, '0')}.ndjson`;
}

interface Segment {
  file: string;
  firstSeq: number;
}

export async function listSegments(dir: string): Promise<Segment[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names
    .flatMap((name) => {
      const match = SEGMENT.exec(name);
      return match?.[1] === undefined ? [] : [{ file: join(dir, name), firstSeq: Number(match[1]) }];
    })
    .sort((a, b) => a.firstSeq - b.firstSeq);
}

function corrupt(file: string, line: number, why: string): GraphStoreError {
  return new GraphStoreError(
    `The embedded store's journal ${file} is unreadable at line ${line}: ${why}. ` +
      'Nothing was loaded. Move the file away to start from the last snapshot, or restore a backup.',
    'JOURNAL_CORRUPT',
    false,
  );
}

const SEQ_PREFIX = Buffer.from('{"seq":');
const OP_PREFIX = Buffer.from(',"op":"');
const CLOSE_BRACE = 0x7d;
const MAX_SEQ_DIGITS = 15;

/**
 * The sequence number of a whole line as `JournalWriter` writes it (`{"seq":<digits>,"op":"…}`), read from
 * its bytes without decoding or parsing the rest.
 */
function coveredSeq(line: Buffer): number | undefined {
  if (line[line.length - 1] !== CLOSE_BRACE) return undefined;
  if (
    line.length < SEQ_PREFIX.length ||
    line.compare(SEQ_PREFIX, 0, SEQ_PREFIX.length, 0, SEQ_PREFIX.length) !== 0
  )
    return undefined;
  let at = SEQ_PREFIX.length;
  let seq = 0;
  while (at < line.length && at - SEQ_PREFIX.length < MAX_SEQ_DIGITS) {
    const byte = line[at] as number;
    if (byte < 0x30 || byte > 0x39) break;
    seq = seq * 10 + (byte - 0x30);
    at += 1;
  }
  if (at === SEQ_PREFIX.length || line.length < at + OP_PREFIX.length) return undefined;
  if (line.compare(OP_PREFIX, 0, OP_PREFIX.length, at, at + OP_PREFIX.length) !== 0) return undefined;
  return seq;
}

const CARRIAGE_RETURN = 0x0d;

function withoutCarriageReturn(line: Buffer): Buffer {
  return line[line.length - 1] === CARRIAGE_RETURN ? line.subarray(0, -1) : line;
}

function parseRecord(line: string): JournalRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !('seq' in value) ||
    typeof value.seq !== 'number' ||
    !('op' in value) ||
    typeof value.op !== 'string' ||
    !OPS.has(value.op)
  ) {
    return undefined;
  }
  const { seq, ...entry } = value as { seq: number } & JournalEntry;
  return { seq, entry: entry };
}

/**
 * Applies, in order, every entry after `afterSeq`; returns the last sequence number seen (or `afterSeq`).
 * A line that does not parse is accepted only as the last line of a segment: a write the crash cut short,
 * which was never acknowledged. Anywhere else, or a gap in the sequence, is corruption.
 */
export async function replayJournal(
  dir: string,
  afterSeq: number,
  apply: (entry: JournalEntry, seq: number) => void,
): Promise<number> {
  let last = afterSeq;
  const segments = await listSegments(dir);
  for (const [i, segment] of segments.entries()) {
    // A segment's entries all come before the next segment's first: one the snapshot covers to there is
    // not read at all (`ask` on a big store would otherwise parse megabytes of entries only to skip them).
    const next = segments[i + 1];
    if (next !== undefined && next.firstSeq - 1 <= afterSeq) continue;
    let lineNo = 0;
    let torn: number | undefined;
    try {
      // Bytes, not text: a cold `ask` on a store just imported reads a segment of tens of megabytes whose
      // entries the snapshot holds, and decoding it only to skip it cost a tenth of a second.
      for await (const batch of fileLineBatches(segment.file))
        for (const bytes of batch) {
          const line = withoutCarriageReturn(bytes);
          lineNo += 1;
          if (line.length === 0) continue;
          if (torn !== undefined) throw corrupt(segment.file, torn, 'not a journal entry');
          // An entry the snapshot already holds is skipped unparsed: its sequence number is the line's first
          // field, and a whole line ends with `}` (a torn one, cut short, goes on to the parser and is caught there).
          const covered = coveredSeq(line);
          if (covered !== undefined && covered <= last) continue;
          const record = parseRecord(line.toString('utf8'));
          if (record === undefined) {
            torn = lineNo;
            continue;
          }
          if (record.seq <= last) continue;
          if (record.seq !== last + 1) {
            throw corrupt(
              segment.file,
              lineNo,
              `entry ${record.seq} follows entry ${last} (entries are missing)`,
            );
          }
          apply(record.entry, record.seq);
          last = record.seq;
        }
    } catch (error) {
      // A segment removed by the writer meanwhile was folded into a newer snapshot: the caller reloads.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
      if (error instanceof GraphStoreError) throw error;
      throw corrupt(segment.file, lineNo, (error as Error).message);
    }
  }
  return last;
}

interface Pending {
  /** First sequence number of the segment this entry belongs in. */
  segment: number;
  line: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Appends entries, one sync for all that arrived meanwhile. A failed write fails every later append. */
export class JournalWriter {
  private nextSeq: number;
  private handle: FileHandle | undefined;
  private segmentFirst: number;
  private pending: Pending[] = [];
  private draining: Promise<void> | undefined;
  private failure: GraphStoreError | undefined;
  private closed = false;

  constructor(
    private readonly dir: string,
    lastSeq: number,
  ) {
    this.nextSeq = lastSeq + 1;
    this.segmentFirst = this.nextSeq;
  }

  /** The sequence number of the last entry appended (durable or on its way). */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  append(entry: JournalEntry): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.closed) {
      return Promise.reject(new GraphStoreError('The journal is closed', 'STORE_CLOSED', false));
    }
    const seq = this.nextSeq;
    this.nextSeq += 1;
    // Written whole or not at all as far as a reader can tell: a cut line does not parse.
    const line = `${JSON.stringify({ seq, ...entry })}\n`;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ segment: this.segmentFirst, line, resolve, reject });
      this.draining ??= this.drain().finally(() => {
        this.draining = undefined;
      });
    });
  }

  /**
   * Entries after the returned sequence number go to a new segment: call it at the moment a snapshot is
   * taken, so the old segments hold only what that snapshot holds.
   */
  rotate(): number {
    this.segmentFirst = this.nextSeq;
    return this.nextSeq - 1;
  }

  /** Drops the segments whose every entry is at or before `seq` (a snapshot holds them). */
  async removeUpTo(seq: number): Promise<void> {
    const segments = await listSegments(this.dir);
    for (let i = 0; i < segments.length; i += 1) {
      const next = segments[i + 1];
      const segment = segments[i];
      if (segment === undefined || next === undefined) break; // the newest segment is being written
      if (next.firstSeq - 1 <= seq) await rm(segment.file, { force: true });
    }
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        let start = 0;
        while (start < batch.length) {
          const segment = batch[start]?.segment ?? this.segmentFirst;
          let end = start;
          while (end < batch.length && batch[end]?.segment === segment) end += 1;
          const handle = await this.openSegment(segment);
          const text = batch
            .slice(start, end)
            .map((p) => p.line)
            .join('');
          await writeAll(handle, Buffer.from(text, 'utf8'));
          start = end;
        }
        await this.handle?.datasync();
        for (const p of batch) p.resolve();
      } catch (error) {
        this.failure = journalWriteError(this.dir, error);
        for (const p of [...batch, ...this.pending]) p.reject(this.failure);
        this.pending = [];
        return;
      }
    }
  }

  private openedFirst: number | undefined;

  private async openSegment(firstSeq: number): Promise<FileHandle> {
    if (this.openedFirst === firstSeq && this.handle !== undefined) return this.handle;
    if (this.handle !== undefined) {
      await this.handle.datasync();
      await this.handle.close();
    }
    // Truncated, not appended to: a segment is named by the first sequence number it holds, and this one's
    // is after everything replayed, so what a crashed writer left in it (a line cut short by a full disk)
    // was never acknowledged; appending after it would glue it to the next entry.
    const handle = await open(join(this.dir, segmentName(firstSeq)), 'w');
    this.handle = handle;
    this.openedFirst = firstSeq;
    await syncDirectory(this.dir);
    return handle;
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.draining !== undefined) await this.draining;
    await this.handle?.close();
    this.handle = undefined;
  }
}

export function journalWriteError(dir: string, error: unknown): GraphStoreError {
  const why = diskProblem(error);
  return new GraphStoreError(
    `Could not write the embedded store's journal in ${dir}: ${why}. The last write was not saved (the bus ` +
      'delivers it again on the next start); free some space (or fix the disk) and run the command again.',
    'JOURNAL_WRITE_FAILED',
    false,
    { cause: error },
  );
}
