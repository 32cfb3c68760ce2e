/**
 * The embedded store on disk: one NDJSON file, written to a temporary file and renamed into place so a
 * crash never leaves half a snapshot. Line 1 is a header with counts, then one line per node, per
 * relationship and per consumer offset, then an end marker; a file that does not add up is refused with
 * its name and line, never read as an empty graph.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { link, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConsumerOffset } from '../../domain/graph-records.js';
import { NODE_LABELS, RELATIONSHIP_TYPES } from '../../domain/graph-records.js';
import type { MonitoredChannel } from '../graph-store.port.js';
import { GraphStoreError } from '../graph-store.port.js';
import type { EdgeAttrs, NodeAttrs } from './embedded-graph.js';
import { EmbeddedGraph } from './embedded-graph.js';
import { syncDirectory, writeAll, diskProblem } from '../../util/durable-file.js';

export const SNAPSHOT_FORMAT = 'twitchgraph-snapshot';
export const SNAPSHOT_VERSION = 1;
const LINES_PER_CHUNK = 20_000;

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
}

/** A snapshot as read: the graph and how much of the journal it already holds. */
export interface LoadedSnapshot {
  model: EmbeddedGraph;
  journalSeq: number;
}

/**
 * Serialise synchronously: nothing else can change the graph meanwhile, so the file is one consistent
 * state (graph and consumer offsets together). Returns the text in chunks.
 */
export function serializeSnapshot(model: EmbeddedGraph, journalSeq = 0): string[] {
  const { graph } = model;
  const offsets = model.allOffsets();
  const monitored = model.monitoredChannels();
  const header: Header = {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    savedAt: new Date().toISOString(),
    nodes: graph.order,
    relationships: graph.size,
    offsets: offsets.length,
    monitored: monitored.length,
    journalSeq,
  };
  const chunks: string[] = [];
  let lines: string[] = [JSON.stringify(header)];
  const push = (line: string) => {
    lines.push(line);
    if (lines.length >= LINES_PER_CHUNK) {
      chunks.push(`${lines.join('\n')}\n`);
      lines = [];
    }
  };
  graph.forEachNode((key, attrs) => push(JSON.stringify([key, attrs])));
  graph.forEachEdge((_key, attrs, source, target) => push(JSON.stringify([source, target, attrs])));
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

/** Read a snapshot; `null` when the file does not exist. */
export async function readSnapshotFile(file: string): Promise<LoadedSnapshot | null> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  try {
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', rejectOpen);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new GraphStoreError(
      `The embedded store's snapshot ${file} cannot be read: ${(error as Error).message}`,
      'SNAPSHOT_UNREADABLE',
      false,
      { cause: error },
    );
  }
  const model = new EmbeddedGraph();
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let header: Header | undefined;
  let lineNo = 0;
  let ended = false;
  let nodes = 0;
  let relationships = 0;
  let offsets = 0;
  let monitored = 0;
  const hash = createHash('sha256');
  for await (const line of lines) {
    lineNo += 1;
    if (ended) {
      if (line.trim() === '') continue;
      throw corrupt(file, lineNo, 'data after the end marker');
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw corrupt(file, lineNo, 'not JSON');
    }
    if (header === undefined) {
      const h = value as Partial<Header> | null;
      if (h === null || typeof h !== 'object' || h.format !== SNAPSHOT_FORMAT)
        throw corrupt(file, lineNo, 'not a twitchgraph snapshot');
      if (h.version !== SNAPSHOT_VERSION) {
        throw corrupt(
          file,
          lineNo,
          `snapshot version ${String(h.version)} is not supported (this build reads ${SNAPSHOT_VERSION})`,
        );
      }
      header = h as Header;
      hash.update(`${line}\n`);
      continue;
    }
    try {
      if (nodes < header.nodes) {
        if (!isNodeLine(value)) throw corrupt(file, lineNo, 'expected a node');
        model.addNodeRaw(value[0], value[1]);
        nodes += 1;
      } else if (relationships < header.relationships) {
        if (!isEdgeLine(value)) throw corrupt(file, lineNo, 'expected a relationship');
        model.mergeEdgeRaw(value[0], value[1], value[2]);
        relationships += 1;
      } else if (offsets < header.offsets) {
        if (!isOffsetLine(value)) throw corrupt(file, lineNo, 'expected a consumer offset');
        model.setOffsetRaw(value);
        offsets += 1;
      } else if (monitored < (header.monitored ?? 0)) {
        if (!isMonitoredLine(value)) throw corrupt(file, lineNo, 'expected a monitored channel');
        model.setMonitoredRaw(value);
        monitored += 1;
      } else {
        if (typeof value !== 'object' || value === null || !('end' in value))
          throw corrupt(file, lineNo, 'expected the end marker');
        if ('sha256' in value && value.sha256 !== hash.digest('hex'))
          throw corrupt(file, lineNo, 'the checksum does not match the content');
        ended = true;
        continue;
      }
    } catch (error) {
      if (error instanceof GraphStoreError) throw error;
      throw corrupt(file, lineNo, (error as Error).message);
    }
    hash.update(`${line}\n`);
  }
  if (header === undefined) throw corrupt(file, lineNo, 'the file is empty');
  if (!ended) throw corrupt(file, lineNo, 'the file ends early (truncated write?)');
  return { model, journalSeq: header.journalSeq ?? 0 };
}
