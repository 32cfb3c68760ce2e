/**
 * The embedded store on disk: one NDJSON file, written to a temporary file and renamed into place so a
 * crash never leaves half a snapshot. Line 1 is a header with counts; then the graph; then one line per
 * consumer offset and per monitored channel; then an end marker with a SHA-256 of every line before it. A
 * file that does not add up is refused with its name and line, never read as an empty graph.
 *
 * Format 2 (written now) stores the graph as the columns of `EmbeddedGraph` (docs/ARCHITECTURE.md, "The
 * embedded store"): lines `["names", [...]]` and `["streams", [[node, props], ...]]`, then each typed
 * column as `[name, "<base64 of its little-endian bytes>"]`, at most 1 MiB of bytes per line. Reading it
 * copies bytes into arrays instead of parsing a JSON object per relationship, which is what lets `ask`
 * open a 1M-relationship store in well under a second. Format 1 (one line per node and per relationship,
 * keyed `u:<login>`…) is still read, so a store saved by an older build opens and is saved as format 2 by
 * its next writer.
 */
import { createHash } from 'node:crypto';
import { link, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ConsumerOffset } from '../../domain/graph-records.js';
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../../domain/graph-records.js';
import type { MonitoredChannel } from '../graph-store.port.js';
import { GraphStoreError } from '../graph-store.port.js';
import type { EdgeAttrs, NodeAttrs, StreamProps } from './embedded-graph.js';
import { EmbeddedGraph } from './embedded-graph.js';
import { syncDirectory, writeAll, diskProblem } from '../../util/durable-file.js';
import { fileLineBatches } from './file-lines.js';

export const SNAPSHOT_FORMAT = 'twitchgraph-snapshot';
export const SNAPSHOT_VERSION = 2;
/** Snapshot formats this build reads. */
const READABLE_VERSIONS = [1, 2];
/**
 * Lines are joined into chunks of at most this many characters: format-2 lines are up to 1.4M characters
 * each, and a chunk of a fixed number of lines would pass V8's string limit (≈ 512M) on a 10M-relationship
 * graph ("Invalid string length" at the end of its import).
 */
const CHARS_PER_CHUNK = 32 * 1024 * 1024;
const NAMES_PER_LINE = 50_000;
const STREAMS_PER_LINE = 10_000;
const COLUMN_BYTES_PER_LINE = 1 << 20;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedColumn =
  'kinds' | 'source' | 'target' | 'type' | 'messages' | 'firstSeen' | 'lastSeen' | 'daysSeen' | 'subscriber';
type PropColumn = 'messages' | 'firstSeen' | 'lastSeen' | 'daysSeen' | 'subscriber';
type Column = Uint8Array | Int32Array | Float64Array | Int8Array;

/** CHATTER property columns and the value `serializeSnapshot` writes for "absent" in each. */
const ABSENT: Record<PropColumn, number> = {
  messages: NaN,
  firstSeen: NaN,
  lastSeen: NaN,
  daysSeen: -1,
  subscriber: -1,
};
const PROP_COLUMNS = Object.keys(ABSENT) as PropColumn[];
const isPropColumn = (name: string): name is PropColumn => name in ABSENT;

/**
 * A property column's "absent" as its bytes repeat in a column line: one element's bytes, and the base64 of
 * as many elements as make whole 3-byte groups (`period` characters that repeat through the line).
 */
const ABSENT_RUNS = Object.fromEntries(
  PROP_COLUMNS.map((name) => {
    const make = {
      messages: Float64Array,
      firstSeen: Float64Array,
      lastSeen: Float64Array,
      daysSeen: Int32Array,
      subscriber: Int8Array,
    }[name];
    const one = new Uint8Array(new make([ABSENT[name]]).buffer);
    const bytes = Buffer.alloc(one.length * 3);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = one[i % one.length] as number;
    return [name, { element: one, period: Buffer.from(bytes.toString('base64')) }];
  }),
) as Record<PropColumn, { element: Uint8Array; period: Buffer }>;

/**
 * Whether a property column line (its base64 between the quotes, decoding to `length` bytes) holds only
 * "absent", found without decoding it: all but its last 4 characters must be the absent run's characters
 * over and over, and those last ones decode to the run's bytes at that place. CSV data has no chat
 * properties, and these lines are most of a 1M-relationship snapshot.
 */
function isAbsentRun(base64: Buffer, name: PropColumn, length: number): boolean {
  const { element, period } = ABSENT_RUNS[name];
  const body = base64.length - 4;
  if (body < 0 || base64.length % 4 !== 0) return false;
  const head = Math.min(period.length, body);
  if (base64.compare(period, 0, head, 0, head) !== 0) return false;
  if (body > period.length && base64.compare(base64, 0, body - period.length, period.length, body) !== 0)
    return false;
  const start = (body / 4) * 3;
  const tail = Buffer.from(base64.toString('latin1', body), 'base64');
  if (start + tail.length !== length) return false;
  for (let i = 0; i < tail.length; i += 1)
    if (tail[i] !== element[(start + i) % element.length]) return false;
  return true;
}
/** Format 2's graph lines, in file order. */
const GRAPH_SECTIONS = [
  'names',
  'streams',
  'kinds',
  'source',
  'target',
  'type',
  'messages',
  'firstSeen',
  'lastSeen',
  'daysSeen',
  'subscriber',
] as const;
type GraphSection = (typeof GRAPH_SECTIONS)[number];

interface Header {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  savedAt: string;
  nodes: number;
  relationships: number;
  offsets: number;
  /** Absent in snapshots written before /monitor existed. */
  monitored?: number;
  /** The last journal entry folded into this snapshot; absent before the journal existed (= 0). */
  journalSeq?: number;
  /** Format 2: how many of the nodes are streams (one properties entry each). */
  streams?: number;
}

/** A snapshot as read: the graph and how much of the journal it already holds. */
export interface LoadedSnapshot {
  model: EmbeddedGraph;
  journalSeq: number;
  /** SHA-256 of the file's lines: with the journal position, names the graph results were kept for. */
  checksum: string;
}

/**
 * Serialise synchronously: nothing else can change the graph meanwhile, so the file is one consistent
 * state (graph and consumer offsets together). Returns the text in chunks.
 */
export function serializeSnapshot(
  model: EmbeddedGraph,
  journalSeq = 0,
  charsPerChunk = CHARS_PER_CHUNK,
  columnBytesPerLine = COLUMN_BYTES_PER_LINE,
): string[] {
  if (!LITTLE_ENDIAN) throw new Error('snapshot format 2 is written on little-endian machines only');
  const columns = model.columns();
  const offsets = model.allOffsets();
  const monitored = model.monitoredChannels();
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    savedAt: new Date().toISOString(),
    nodes: columns.kinds.length,
    relationships: columns.type.length,
    streams: columns.streams.size,
    offsets: offsets.length,
    monitored: monitored.length,
    journalSeq,
  };
  const chunks: string[] = [];
  let lines: string[] = [JSON.stringify(header)];
  let chars = 0;
  const push = (line: string) => {
    lines.push(line);
    chars += line.length + 1;
    if (chars >= charsPerChunk) {
      chunks.push(`${lines.join('\n')}\n`);
      lines = [];
      chars = 0;
    }
  };
  for (let i = 0; i < columns.names.length; i += NAMES_PER_LINE)
    push(JSON.stringify(['names', columns.names.slice(i, i + NAMES_PER_LINE)]));
  const streams = [...columns.streams];
  for (let i = 0; i < streams.length; i += STREAMS_PER_LINE)
    push(JSON.stringify(['streams', streams.slice(i, i + STREAMS_PER_LINE)]));
  for (const name of GRAPH_SECTIONS) {
    if (name === 'names' || name === 'streams') continue;
    const column = columns[name];
    const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
    const step = Math.max(
      column.BYTES_PER_ELEMENT,
      columnBytesPerLine - (columnBytesPerLine % column.BYTES_PER_ELEMENT),
    );
    for (let at = 0; at < bytes.length; at += step)
      push(`["${name}","${bytes.subarray(at, at + step).toString('base64')}"]`);
  }
  for (const offset of offsets) push(JSON.stringify(offset));
  for (const channel of monitored) push(JSON.stringify(channel));
  // The end marker carries a checksum of every line before it, so a file that was changed or cut and
  // happens to still parse is refused too.
  chunks.push(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  chunks.push(`${JSON.stringify({ end: true, sha256: hash.digest('hex') })}\n`);
  return chunks;
}

/** The checksum `serializeSnapshot` put in the end marker of these chunks. */
export function snapshotChecksum(chunks: readonly string[]): string {
  const marker = JSON.parse(chunks.at(-1) ?? '{}') as { sha256?: unknown };
  return typeof marker.sha256 === 'string' ? marker.sha256 : '';
}

/** Snapshot kept beside the newest one: used (with a warning) when the newest cannot be read. */
export function previousSnapshotFile(file: string): string {
  return `${file}.prev`;
}

/**
 * Every byte or an error: `FileHandle.write` may write less than asked (a full disk first shows up as a
 * short write), so the loop goes on until all is written and treats no progress as the disk being full.
 * The file is synced and its size checked before it replaces the current snapshot, which is kept as
 * `.prev`; the directory is synced so the rename itself survives a power cut.
 */
export async function writeSnapshotFile(file: string, chunks: readonly string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  let expected = 0;
  const handle = await open(temp, 'w');
  try {
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk, 'utf8');
      expected += bytes.length;
      await writeAll(handle, bytes);
    }
    await handle.sync();
    const { size } = await handle.stat();
    if (size !== expected) {
      throw Object.assign(new Error(`wrote ${size} of ${expected} bytes`), { code: 'EIO' });
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw snapshotWriteError(file, error);
  }
  await handle.close();
  try {
    await rm(previousSnapshotFile(file), { force: true });
    await link(file, previousSnapshotFile(file)).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    await rename(temp, file);
    await syncDirectory(dirname(file));
  } catch (error) {
    await rm(temp, { force: true });
    throw snapshotWriteError(file, error);
  }
}

/** ENOSPC and EIO get a line that says what to do; the snapshot already on disk is untouched. */
export function snapshotWriteError(file: string, error: unknown): GraphStoreError {
  const why = diskProblem(error);
  return new GraphStoreError(
    `Could not save the embedded store's snapshot ${file}: ${why}. The previous snapshot is intact; ` +
      'free some space (or fix the disk) and run the command again.',
    'SNAPSHOT_WRITE_FAILED',
    false,
    { cause: error },
  );
}

/** `<name>.<pid>.tmp`: the temporary file of an all-or-nothing write (a snapshot, start's replay record). */
const TEMP_FILE = /^.+\.\d+\.tmp$/;

/**
 * Temporary files of processes that died mid-save, in the data directory of `file`; only the lock holder
 * may remove them (a reader would remove a live writer's).
 */
export async function removeOrphanTempFiles(file: string): Promise<string[]> {
  const dir = dirname(file);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const orphans = names.filter((n) => TEMP_FILE.test(n));
  for (const name of orphans) await rm(join(dir, name), { force: true });
  return orphans;
}

function corrupt(file: string, line: number, why: string): GraphStoreError {
  return new GraphStoreError(
    `The embedded store's snapshot ${file} is unreadable at line ${line}: ${why}. ` +
      'Nothing was loaded. Move the file away to start empty, or restore it from a backup.',
    'SNAPSHOT_CORRUPT',
    false,
  );
}

const nodeKinds = new Set<string>(NODE_LABELS);
const relationshipTypes = new Set<string>(RELATIONSHIP_TYPES);

function isNodeLine(value: unknown): value is [string, NodeAttrs] {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'string') return false;
  const attrs: unknown = value[1];
  return typeof attrs === 'object' && attrs !== null && 'kind' in attrs && nodeKinds.has(String(attrs.kind));
}

function isEdgeLine(value: unknown): value is [string, string, EdgeAttrs] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string'
  ) {
    return false;
  }
  const attrs: unknown = value[2];
  return (
    typeof attrs === 'object' &&
    attrs !== null &&
    'type' in attrs &&
    relationshipTypes.has(String(attrs.type))
  );
}

function isOffsetLine(value: unknown): value is ConsumerOffset {
  return (
    typeof value === 'object' &&
    value !== null &&
    'group' in value &&
    'topic' in value &&
    'partition' in value &&
    'offset' in value &&
    typeof value.group === 'string' &&
    typeof value.topic === 'string' &&
    typeof value.partition === 'number' &&
    typeof value.offset === 'string'
  );
}

function isMonitoredLine(value: unknown): value is MonitoredChannel {
  return (
    typeof value === 'object' &&
    value !== null &&
    'login' in value &&
    'requestedBy' in value &&
    'since' in value &&
    typeof value.login === 'string' &&
    typeof value.requestedBy === 'string' &&
    typeof value.since === 'number'
  );
}

/**
 * Format 2's graph lines as they come: names, stream properties, then each typed column, checked against
 * the header's counts. `done` once every section is full.
 */
class ColumnLines {
  private section = 0;
  private readonly names: (string | null)[] = [];
  private readonly streams = new Map<number, StreamProps>();
  /**
   * Property columns stay empty while every line of them read so far holds only "absent" (not decoded); the
   * first one that holds a value makes the column, with what was skipped filled in as absent.
   */
  private readonly columns: Record<TypedColumn, Column>;
  private readonly rows: Record<TypedColumn, number>;
  private readonly filled: Record<TypedColumn, number>;

  constructor(
    private readonly nodes: number,
    private readonly relationships: number,
    private readonly streamCount: number,
  ) {
    this.columns = {
      kinds: new Uint8Array(nodes),
      source: new Int32Array(relationships),
      target: new Int32Array(relationships),
      type: new Uint8Array(relationships),
      messages: new Float64Array(0),
      firstSeen: new Float64Array(0),
      lastSeen: new Float64Array(0),
      daysSeen: new Int32Array(0),
      subscriber: new Int8Array(0),
    };
    const r = relationships;
    this.rows = {
      kinds: nodes,
      source: r,
      target: r,
      type: r,
      messages: r,
      firstSeen: r,
      lastSeen: r,
      daysSeen: r,
      subscriber: r,
    };
    this.filled = {
      kinds: 0,
      source: 0,
      target: 0,
      type: 0,
      messages: 0,
      firstSeen: 0,
      lastSeen: 0,
      daysSeen: 0,
      subscriber: 0,
    };
    this.skipFull();
  }

  private isFull(section: GraphSection): boolean {
    if (section === 'names') return this.names.length === this.nodes;
    if (section === 'streams') return this.streams.size === this.streamCount;
    return this.filled[section] === this.rows[section];
  }

  /** The column to write rows into: a property column is made (absent so far) the first time it is needed. */
  private column(name: TypedColumn): Column {
    const column = this.columns[name];
    if (!isPropColumn(name) || column.length === this.rows[name]) return column;
    const made = propColumn(name, this.relationships);
    this.columns[name] = made;
    return made;
  }

  private skipFull(): void {
    while (this.section < GRAPH_SECTIONS.length && this.isFull(GRAPH_SECTIONS[this.section] as GraphSection))
      this.section += 1;
  }

  get done(): boolean {
    return this.section === GRAPH_SECTIONS.length;
  }

  /**
   * Take one line as it is in the file, without the JSON parser: a names line whose names hold no escapes
   * (logins never do), or a column line (base64, decoded straight into its column). Returns why the line
   * does not fit, null once taken, or undefined when the line is left to `take` after `JSON.parse`. Most of
   * a cold `ask`'s store opening was parsing these lines (docs/ARCHITECTURE.md, "A cold `ask`").
   */
  takeRaw(bytes: Buffer): string | null | undefined {
    const expected = GRAPH_SECTIONS[this.section] as GraphSection;
    if (expected === 'streams') return undefined;
    const prefix = RAW_PREFIX[expected];
    const end = bytes.length - (expected === 'names' ? 3 : 2);
    if (end < prefix.length || !bytes.subarray(0, prefix.length).equals(prefix)) return undefined;
    if (expected === 'names') {
      if (bytes[end] !== QUOTE || bytes[end + 1] !== CLOSE || bytes[end + 2] !== CLOSE) return undefined;
      if (bytes.indexOf(BACKSLASH, prefix.length) !== -1) return undefined;
      // Without escapes every quote is a string's own: `","` separates names, and a part with a quote in it
      // means something else (a null) is in the list, which the JSON parser reads.
      const names = bytes.toString('utf8', prefix.length, end).split('","');
      for (const name of names) if (name.includes('"')) return undefined;
      if (this.names.length + names.length > this.nodes) return 'more names than nodes';
      for (const name of names) this.names.push(name);
    } else {
      if (bytes[end] !== QUOTE || bytes[end + 1] !== CLOSE) return undefined;
      const size = ELEMENT_BYTES[expected];
      const at = this.filled[expected];
      const raw = bytes.subarray(prefix.length, end);
      const length = base64Length(raw);
      if (length % size !== 0 || at + length / size > this.rows[expected])
        return `the ${expected} column does not add up`;
      if (
        isPropColumn(expected) &&
        this.columns[expected].length === 0 &&
        isAbsentRun(raw, expected, length)
      ) {
        this.filled[expected] = at + length / size;
        this.skipFull();
        return null;
      }
      const base64 = raw.toString('latin1');
      const column = this.column(expected);
      const into = Buffer.from(column.buffer, column.byteOffset + at * size, length);
      if (into.write(base64, 'base64') !== length) return `the ${expected} column is not base64`;
      this.filled[expected] = at + length / size;
    }
    this.skipFull();
    return null;
  }

  /** Take one line; returns why it does not fit, or null. */
  take(value: unknown): string | null {
    const expected = GRAPH_SECTIONS[this.section] as GraphSection;
    if (!Array.isArray(value) || value.length !== 2 || value[0] !== expected)
      return `expected the ${expected} of the graph`;
    const payload: unknown = value[1];
    if (expected === 'names') {
      if (!Array.isArray(payload) || this.names.length + payload.length > this.nodes)
        return 'more names than nodes';
      for (const name of payload as unknown[]) {
        if (name !== null && typeof name !== 'string') return 'a name that is not a string';
        this.names.push(name);
      }
    } else if (expected === 'streams') {
      if (!Array.isArray(payload)) return 'expected stream properties';
      for (const entry of payload) {
        if (!isStreamEntry(entry) || entry[0] >= this.nodes || this.streams.has(entry[0]))
          return 'a stream entry that does not fit';
        this.streams.set(entry[0], entry[1]);
      }
      if (this.streams.size > this.streamCount) return 'more streams than the header says';
    } else {
      if (typeof payload !== 'string') return `expected base64 for ${expected}`;
      const bytes = Buffer.from(payload, 'base64');
      const size = ELEMENT_BYTES[expected];
      const at = this.filled[expected];
      if (bytes.length % size !== 0 || at + bytes.length / size > this.rows[expected])
        return `the ${expected} column does not add up`;
      const column = this.column(expected);
      new Uint8Array(column.buffer, column.byteOffset + at * size, bytes.length).set(bytes);
      this.filled[expected] = at + bytes.length / size;
    }
    this.skipFull();
    return null;
  }

  graph(): EmbeddedGraph {
    const c = this.columns;
    // Either all property columns or none: one that held only "absent" is made now if another held values.
    if (PROP_COLUMNS.some((name) => c[name].length > 0)) for (const name of PROP_COLUMNS) this.column(name);
    return EmbeddedGraph.fromColumns({
      names: this.names,
      kinds: c.kinds as Uint8Array<ArrayBuffer>,
      streams: this.streams,
      source: c.source as Int32Array<ArrayBuffer>,
      target: c.target as Int32Array<ArrayBuffer>,
      type: c.type as Uint8Array<ArrayBuffer>,
      messages: c.messages as Float64Array<ArrayBuffer>,
      firstSeen: c.firstSeen as Float64Array<ArrayBuffer>,
      lastSeen: c.lastSeen as Float64Array<ArrayBuffer>,
      daysSeen: c.daysSeen as Int32Array<ArrayBuffer>,
      subscriber: c.subscriber as Int8Array<ArrayBuffer>,
    });
  }
}

const ELEMENT_BYTES: Record<TypedColumn, number> = {
  kinds: 1,
  source: 4,
  target: 4,
  type: 1,
  messages: 8,
  firstSeen: 8,
  lastSeen: 8,
  daysSeen: 4,
  subscriber: 1,
};

/** A property column of `rows` rows, every one absent. */
function propColumn(name: PropColumn, rows: number): Column {
  if (name === 'daysSeen') return new Int32Array(rows).fill(-1);
  if (name === 'subscriber') return new Int8Array(rows).fill(-1);
  return new Float64Array(rows).fill(NaN);
}

const EQUALS = 0x3d;

/** The bytes a base64 text decodes to when it is well formed, as `Buffer.byteLength` counts them. */
function base64Length(base64: Buffer): number {
  let padding = 0;
  if (base64.length > 0 && base64[base64.length - 1] === EQUALS) padding += 1;
  if (base64.length > 1 && base64[base64.length - 2] === EQUALS) padding += 1;
  return Math.floor(((base64.length - padding) * 3) / 4);
}

const QUOTE = 0x22;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
/** How each graph line `takeRaw` reads begins, as `serializeSnapshot` writes it. */
const RAW_PREFIX = Object.fromEntries(
  GRAPH_SECTIONS.map((name) => [name, Buffer.from(name === 'names' ? '["names",["' : `["${name}","`)]),
) as Record<GraphSection, Buffer>;

function isStreamEntry(value: unknown): value is [number, StreamProps] {
  if (!Array.isArray(value) || value.length !== 2 || !Number.isInteger(value[0]) || (value[0] as number) < 0)
    return false;
  const props: unknown = value[1];
  return typeof props === 'object' && props !== null && 'id' in props && typeof props.id === 'string';
}

const NEWLINE = Buffer.from('\n');

/** A line as text, without the `\r` of a file that went through a Windows editor. */
function textOf(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

/** Read a snapshot; `null` when the file does not exist. `chunkBytes`: how much is read at a time. */
export async function readSnapshotFile(file: string, chunkBytes?: number): Promise<LoadedSnapshot | null> {
  // Lines as bytes, not text: format 2 is a few dozen long lines, and hashing the bytes as they are spares
  // encoding every line again; the next chunk is read while this one is taken in (file-lines.ts).
  const batches = fileLineBatches(file, chunkBytes);
  const unreadable = (error: unknown) =>
    new GraphStoreError(
      `The embedded store's snapshot ${file} cannot be read: ${(error as Error).message}`,
      'SNAPSHOT_UNREADABLE',
      false,
      { cause: error },
    );
  const nextBatch = async (): Promise<IteratorResult<Buffer[]>> => {
    try {
      return await batches.next();
    } catch (error) {
      throw unreadable(error);
    }
  };
  let first: IteratorResult<Buffer[]>;
  try {
    first = await batches.next();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw unreadable(error);
  }
  try {
    return await readSnapshotLines(file, first, nextBatch);
  } finally {
    await batches.return(undefined);
  }
}

async function readSnapshotLines(
  file: string,
  first: IteratorResult<Buffer[]>,
  nextBatch: () => Promise<IteratorResult<Buffer[]>>,
): Promise<LoadedSnapshot> {
  let model = new EmbeddedGraph();
  let columns: ColumnLines | undefined;
  const keptOffsets: ConsumerOffset[] = [];
  const keptMonitored: MonitoredChannel[] = [];
  let header: Header | undefined;
  let lineNo = 0;
  let ended = false;
  let nodes = 0;
  let relationships = 0;
  let offsets = 0;
  let monitored = 0;
  const hash = createHash('sha256');
  let checksum = '';
  for (let batch = first; batch.done !== true; batch = await nextBatch())
    for (const bytes of batch.value) {
      lineNo += 1;
      if (ended) {
        if (textOf(bytes).trim() === '') continue;
        throw corrupt(file, lineNo, 'data after the end marker');
      }
      if (columns !== undefined && !columns.done) {
        const why = columns.takeRaw(bytes);
        if (why !== undefined) {
          if (why !== null) throw corrupt(file, lineNo, why);
          hash.update(bytes).update(NEWLINE);
          continue;
        }
      }
      let value: unknown;
      try {
        value = JSON.parse(textOf(bytes));
      } catch {
        throw corrupt(file, lineNo, 'not JSON');
      }
      if (header === undefined) {
        const h = value as Partial<Header> | null;
        if (h === null || typeof h !== 'object' || h.format !== SNAPSHOT_FORMAT)
          throw corrupt(file, lineNo, 'not a twitchgraph snapshot');
        if (!READABLE_VERSIONS.includes(Number(h.version))) {
          throw corrupt(
            file,
            lineNo,
            `snapshot version ${String(h.version)} is not supported (this build reads ${READABLE_VERSIONS.join(' and ')})`,
          );
        }
        header = h as Header;
        if (header.version === 2) {
          if (!LITTLE_ENDIAN) throw corrupt(file, lineNo, 'format 2 is read on little-endian machines only');
          columns = new ColumnLines(header.nodes, header.relationships, header.streams ?? 0);
        }
        hash.update(bytes).update(NEWLINE);
        continue;
      }
      try {
        if (columns !== undefined && !columns.done) {
          const why = columns.take(value);
          if (why !== null) throw corrupt(file, lineNo, why);
        } else if (columns === undefined && nodes < header.nodes) {
          if (!isNodeLine(value)) throw corrupt(file, lineNo, 'expected a node');
          model.addNodeRaw(value[0], value[1]);
          nodes += 1;
        } else if (columns === undefined && relationships < header.relationships) {
          if (!isEdgeLine(value)) throw corrupt(file, lineNo, 'expected a relationship');
          model.mergeEdgeRaw(value[0], value[1], value[2]);
          relationships += 1;
        } else if (offsets < header.offsets) {
          if (!isOffsetLine(value)) throw corrupt(file, lineNo, 'expected a consumer offset');
          keptOffsets.push(value);
          offsets += 1;
        } else if (monitored < (header.monitored ?? 0)) {
          if (!isMonitoredLine(value)) throw corrupt(file, lineNo, 'expected a monitored channel');
          keptMonitored.push(value);
          monitored += 1;
        } else {
          if (typeof value !== 'object' || value === null || !('end' in value))
            throw corrupt(file, lineNo, 'expected the end marker');
          checksum = hash.digest('hex');
          if ('sha256' in value && value.sha256 !== checksum)
            throw corrupt(file, lineNo, 'the checksum does not match the content');
          ended = true;
          continue;
        }
      } catch (error) {
        if (error instanceof GraphStoreError) throw error;
        throw corrupt(file, lineNo, (error as Error).message);
      }
      hash.update(bytes).update(NEWLINE);
    }
  if (header === undefined) throw corrupt(file, lineNo, 'the file is empty');
  if (!ended) throw corrupt(file, lineNo, 'the file ends early (truncated write?)');
  if (columns !== undefined) {
    try {
      model = columns.graph();
    } catch (error) {
      throw corrupt(file, lineNo, (error as Error).message);
    }
  }
  for (const offset of keptOffsets) model.setOffsetRaw(offset);
  for (const channel of keptMonitored) model.setMonitoredRaw(channel);
  // Loaded data is not a change: a store opened from a snapshot has nothing to save yet.
  model.version = 0;
  return { model, journalSeq: header.journalSeq ?? 0, checksum };
}
