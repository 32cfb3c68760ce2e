/**
 * GraphStore adapter for the embedded default: the graph lives in this process and is saved to
 * `<dataDir>/graph.ndjson`. Writers hold `<dataDir>/writer.lock`; read-only users (such as `ask`) load the
 * last snapshot alongside a running writer.
 *
 * Snapshots are written after writes, at most every `snapshotMinIntervalMs` and never more often than
 * five times the last save took (a large graph should not spend its time saving). Offsets consumed by
 * the ingest worker are saved in the same file as the graph, so after a crash the store and its offsets
 * agree and redelivered events are not counted twice.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ChatActivity,
  ChatterPresence,
  ConsumerOffset,
  OffsetUpdate,
  Role,
  RoleGrant,
  StreamerRecord,
  TeamMembership,
  WriteResult,
} from '../../domain/graph-records.js';
import { z } from 'zod';
import { BETWEENNESS_DEFAULTS } from '../algorithms/betweenness.js';
import {
  betweennessRows,
  betweennessScoresOf,
  pagerankRows,
  pagerankScoresOf,
} from '../in-process-algorithms.js';
import type {
  AccountHistory,
  AccountPresence,
  AlertRecord,
  AlertRule,
  AlgorithmOptions,
  AudienceOverlap,
  SharedAudienceGraph,
  AudienceColumns,
  AudienceRecord,
  BetweennessResult,
  GraphCounts,
  GraphProjection,
  GraphStore,
  DerivedResults,
  DerivedSlot,
  GraphView,
  MonitoredChannel,
  NameKind,
  NodeRef,
  RankedName,
  ScoredNode,
  StreamerNeighbourhood,
  StreamerSummary,
} from '../graph-store.port.js';
import { GraphStoreError } from '../graph-store.port.js';
import { AlertBook } from './alert-book.js';
import { derivedKey, readDerivedFile, writeDerivedFile } from './derived-file.js';
import { EmbeddedGraph } from './embedded-graph.js';
import type { JournalEntry } from './journal.js';
import { JournalWriter, replayJournal } from './journal.js';
import type { LoadedSnapshot } from './snapshot.js';
import {
  previousSnapshotFile,
  readSnapshotFile,
  removeOrphanTempFiles,
  serializeSnapshot,
  snapshotChecksum,
  writeSnapshotFile,
} from './snapshot.js';
import { WriterLock, writerHolds } from './writer-lock.js';

export const SNAPSHOT_FILE = 'graph.ndjson';
/** Where PageRank of users and streams (in name order) is kept among the derived results. */
const PAGERANK_BY_NAME = 'pagerank';
const keptBetweenness = z.object({
  mode: z.enum(['exact', 'sampled']),
  pivots: z.number(),
  nodeCount: z.number(),
});

export interface EmbeddedStoreOptions {
  dataDir: string;
  /** Load the snapshot without taking the writer lock; writes are refused. */
  readOnly?: boolean;
  /** Recorded in the lock file so a second writer can say who holds the store. */
  command?: string;
  snapshotMinIntervalMs?: number;
  betweennessExactMaxNodes?: number;
  betweennessSamplePivots?: number;
  /** Called after a snapshot fails to save in the background (the next write tries again). */
  onSaveError?: (error: unknown) => void;
  /** Told when the store had to fall back (the newest snapshot unreadable, orphan files removed). */
  onWarning?: (message: string) => void;
  /**
   * Sync every write to the journal before it counts (default). Off only for benchmarks that compare: a
   * crash then loses what the last snapshot does not hold.
   */
  journal?: boolean;
}

export class EmbeddedGraphStore implements GraphStore, DerivedResults {
  readonly backend = 'embedded';
  private savedVersion: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private lastSaveMs = 0;
  private closed = false;
  /** The journal entry the snapshot on disk holds up to. */
  private snapshotSeq: number;
  /** Set once a write could not be made durable: the graph in memory is ahead of the disk. */
  private failure: GraphStoreError | undefined;
  /** `/alerts` rules and posted alerts, in their own small file (alert-book.ts). */
  private readonly alerts: AlertBook;
  /** Whole-graph results kept for one version of the graph (`derived`). */
  private kept: { version: number; values: Map<string, unknown> } = { version: -1, values: new Map() };
  /**
   * The graph on disk (a snapshot and the journal entries after it) and the version it is in memory: while
   * they agree, kept results are read from and written to the derived file under `key` (derived-file.ts).
   */
  private onDisk: { key: string; version: number; read: boolean } | undefined;
  private derivedWrite: Promise<void> = Promise.resolve();
  private derivedWriteQueued = false;
  /** Kept scores (users and streams in name order) by node, per kept array. */
  private readonly nodeScores = new WeakMap<Float64Array, Float64Array>();

  private constructor(
    private readonly model: EmbeddedGraph,
    private readonly options: EmbeddedStoreOptions,
    private readonly lock: WriterLock | undefined,
    private readonly journal: JournalWriter | undefined,
    snapshotSeq: number,
  ) {
    this.savedVersion = model.version;
    this.snapshotSeq = snapshotSeq;
    this.alerts = new AlertBook(options.dataDir, options.readOnly === true);
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedGraphStore> {
    const file = join(options.dataDir, SNAPSHOT_FILE);
    let lock: WriterLock | undefined;
    if (options.readOnly !== true) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = WriterLock.acquire(options.dataDir, options.command ?? 'twitchgraph');
    }
    try {
      if (lock !== undefined) {
        const orphans = await removeOrphanTempFiles(file);
        if (orphans.length > 0) {
          options.onWarning?.(
            `removed ${orphans.length} unfinished temporary file(s) (snapshot, derived results) left by a process that died`,
          );
        }
      }
      const { model, snapshotSeq, lastSeq, checksum } = await loadWithRetry(file, options);
      const journal =
        lock !== undefined && options.journal !== false
          ? new JournalWriter(options.dataDir, lastSeq)
          : undefined;
      // Without a journal writer the next snapshot is taken to hold every entry read here.
      const store = new EmbeddedGraphStore(model, options, lock, journal, journal ? snapshotSeq : lastSeq);
      // Entries applied from the journal are not in the snapshot yet: the next save folds them in.
      if (lastSeq > snapshotSeq) store.savedVersion = -1;
      if (checksum !== undefined)
        store.onDisk = { key: derivedKey(checksum, lastSeq), version: model.version, read: false };
      return store;
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** A store that never touches the disk (tests, benchmarks). */
  static inMemory(options: Omit<EmbeddedStoreOptions, 'dataDir'> = {}): EmbeddedGraphStore {
    return new EmbeddedGraphStore(new EmbeddedGraph(), { ...options, dataDir: '' }, undefined, undefined, 0);
  }

  get snapshotFile(): string {
    return join(this.options.dataDir, SNAPSHOT_FILE);
  }

  /** The in-process graph, for code that runs inside this process (benchmarks, tests). */
  get graph(): EmbeddedGraph {
    return this.model;
  }

  private get persistent(): boolean {
    return this.options.dataDir !== '' && this.options.readOnly !== true;
  }

  /**
   * Applies a write in memory, then makes it durable: it counts (the promise resolves) only once its journal
   * entry is synced. A write that could not be saved leaves the store refusing further writes, since memory
   * is then ahead of the disk; what it held is delivered again on the next start.
   */
  private async write<T>(entry: JournalEntry, apply: () => T): Promise<T> {
    if (this.closed) throw new GraphStoreError('The graph store is closed', 'STORE_CLOSED', false);
    if (this.options.readOnly === true) {
      throw new GraphStoreError(
        `The embedded store in ${this.options.dataDir} was opened read-only here (as \`ask\` always does, so it can run beside a writer), so this cannot change it. ` +
          'Run it in the playground or bot of `twitchgraph start`.',
        'STORE_READ_ONLY',
        false,
      );
    }
    if (this.failure !== undefined) throw this.failure;
    const result = apply();
    if (this.journal !== undefined) {
      try {
        await this.journal.append(entry);
      } catch (error) {
        this.failure =
          error instanceof GraphStoreError
            ? error
            : new GraphStoreError(String(error), 'JOURNAL_WRITE_FAILED', false, { cause: error });
        throw this.failure;
      }
    }
    this.scheduleSave();
    return result;
  }

  private scheduleSave(): void {
    if (!this.persistent || this.saveTimer !== undefined) return;
    const delay = Math.max(this.options.snapshotMinIntervalMs ?? 2_000, 5 * this.lastSaveMs);
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.flush().catch((error: unknown) => this.options.onSaveError?.(error));
    }, delay);
    this.saveTimer.unref();
  }

  async upsertStreamers(rows: readonly StreamerRecord[]): Promise<WriteResult> {
    return this.write({ op: 'streamers', rows }, () => this.model.upsertStreamers(rows));
  }

  async addTeamMemberships(rows: readonly TeamMembership[]): Promise<WriteResult> {
    return this.write({ op: 'teams', rows }, () => this.model.addTeamMemberships(rows));
  }

  async addRoles(rows: readonly RoleGrant[]): Promise<WriteResult> {
    return this.write({ op: 'roles', rows }, () => this.model.addRoles(rows));
  }

  async addChatters(rows: readonly ChatterPresence[]): Promise<WriteResult> {
    return this.write({ op: 'chatters', rows }, () => this.model.addChatters(rows));
  }

  async applyChatActivity(rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]): Promise<void> {
    await this.write({ op: 'chat', rows, offsets }, () => this.model.applyChatActivity(rows, offsets));
  }

  async readOffsets(group: string, topic: string): Promise<ConsumerOffset[]> {
    return Promise.resolve(this.model.readOffsets(group, topic));
  }

  async monitoredChannels(): Promise<MonitoredChannel[]> {
    return Promise.resolve(this.model.monitoredChannels());
  }

  async setMonitoredChannel(login: string, wanted: boolean, requestedBy: string): Promise<boolean> {
    const at = Date.now();
    return this.write({ op: 'monitor', login, wanted, requestedBy, at }, () =>
      this.model.setMonitoredChannel(login, wanted, requestedBy, at),
    );
  }

  async alertRules(): Promise<AlertRule[]> {
    return this.alerts.rules();
  }

  async setAlertRule(rule: AlertRule): Promise<boolean> {
    this.assertOpen();
    return this.alerts.setRule(rule);
  }

  async removeAlertRule(channel: string): Promise<boolean> {
    this.assertOpen();
    return this.alerts.removeRule(channel);
  }

  async saveAlert(record: AlertRecord): Promise<boolean> {
    this.assertOpen();
    return this.alerts.save(record);
  }

  async alertRecord(id: string): Promise<AlertRecord | null> {
    return this.alerts.record(id);
  }

  async recentAlerts(limit: number): Promise<AlertRecord[]> {
    return this.alerts.recent(limit);
  }

  async accountHistory(logins: readonly string[]): Promise<AccountHistory[]> {
    return Promise.resolve(this.model.accountHistory(logins));
  }

  private assertOpen(): void {
    if (this.closed) throw new GraphStoreError('The graph store is closed', 'STORE_CLOSED', false);
  }

  async topGames(limit: number): Promise<RankedName[]> {
    return Promise.resolve(this.model.topGames(limit));
  }

  async topTeams(limit: number): Promise<RankedName[]> {
    return Promise.resolve(this.model.topTeams(limit));
  }

  async topRoleHolders(
    role: Role,
    limit: number,
    options: { excludeLogins?: readonly string[] } = {},
  ): Promise<RankedName[]> {
    return Promise.resolve(this.model.topRoleHolders(role, limit, options.excludeLogins));
  }

  async topStreamers(by: 'views' | 'followers', limit: number): Promise<StreamerSummary[]> {
    return Promise.resolve(this.model.topStreamers(by, limit));
  }

  async findStreamer(name: string): Promise<StreamerSummary | null> {
    return Promise.resolve(this.model.findStreamer(name));
  }

  async neighbourhood(
    streamerId: string,
    options: { chatterLimit: number },
  ): Promise<StreamerNeighbourhood | null> {
    return Promise.resolve(this.model.neighbourhood(streamerId, options.chatterLimit));
  }

  async streamersBy(filter: { language: string | null; game: string | null }): Promise<StreamerSummary[]> {
    return Promise.resolve(this.model.streamersBy(filter));
  }

  async counts(): Promise<GraphCounts> {
    return Promise.resolve(this.model.counts());
  }

  async listNames(kind: NameKind): Promise<string[]> {
    return Promise.resolve(this.model.listNames(kind));
  }

  async projection(options: { excludeLogins?: readonly string[] } = {}): Promise<GraphProjection> {
    return Promise.resolve(this.model.projection(options.excludeLogins));
  }

  async connections(nodes: readonly NodeRef[]): Promise<GraphView> {
    return Promise.resolve(this.model.connections(nodes));
  }

  async accountPresence(options: {
    minChannels: number;
    logins: readonly string[];
  }): Promise<AccountPresence[]> {
    return Promise.resolve(this.model.accountPresence(options.minChannels, options.logins));
  }

  async channelAudience(streamerId: string): Promise<AudienceRecord[] | null> {
    return Promise.resolve(this.model.channelAudience(streamerId));
  }

  async channelAudienceColumns(
    streamerId: string,
    options: { pagerank?: boolean } = {},
  ): Promise<AudienceColumns | null> {
    const columns = this.model.channelAudienceColumns(streamerId);
    if (columns === null || options.pagerank !== true) return columns;
    const pagerank = this.model.audienceScores(columns, await this.pagerankByNode());
    // A copy: the model keeps `columns` for the next question, which may not want PageRank.
    return { ...columns, pagerank };
  }

  async chatsIn(
    logins: readonly string[],
    streamerIds: readonly string[],
  ): Promise<{ login: string; streamerIds: string[] }[]> {
    return Promise.resolve(this.model.chatsIn(logins, streamerIds));
  }

  async presentIn(streamerId: string, logins: readonly string[]): Promise<string[]> {
    return Promise.resolve(this.model.presentIn(streamerId, logins));
  }

  async audienceOverlap(streamerId: string): Promise<AudienceOverlap | null> {
    return Promise.resolve(this.model.audienceOverlap(streamerId));
  }

  async sharedAudienceGraph(
    options: { excludeLogins?: readonly string[] } = {},
  ): Promise<SharedAudienceGraph> {
    return Promise.resolve(this.model.sharedAudienceGraph(options.excludeLogins));
  }

  /**
   * PageRank of the whole graph by node, kept with the graph (and on disk beside the snapshot, so a cold
   * `ask` skips building the projection: docs/ARCHITECTURE.md, "Derived results").
   */
  private async pagerankByNode(): Promise<Float64Array> {
    const slot = await this.derived(PAGERANK_BY_NAME);
    const kept = this.byNode(slot.value);
    if (kept !== undefined) return kept;
    const byPerson = this.model.personScores(pagerankScoresOf(this.model.projection([])));
    slot.keep(byPerson);
    return this.byNode(byPerson) as Float64Array;
  }

  /** Kept scores of users and streams in name order, by node (converted once per kept array). */
  private byNode(kept: unknown): Float64Array | undefined {
    if (!(kept instanceof Float64Array)) return undefined;
    let byNode = this.nodeScores.get(kept);
    if (byNode === undefined) {
      byNode = this.model.scoresByNode(kept);
      if (byNode !== undefined) this.nodeScores.set(kept, byNode);
    }
    return byNode;
  }

  async pagerank(options: AlgorithmOptions): Promise<ScoredNode[]> {
    const exclude = options.excludeLogins ?? [];
    if (exclude.length === 0 && options.names === undefined)
      return this.model.topByNode(await this.pagerankByNode(), options.limit);
    const projection = this.model.projection(exclude);
    const named =
      options.names === undefined ? undefined : this.model.projectionPositions(exclude, options.names);
    return Promise.resolve(pagerankRows(projection, options, named));
  }

  async betweenness(options: AlgorithmOptions): Promise<BetweennessResult> {
    const settings = {
      exactMaxNodes: this.options.betweennessExactMaxNodes ?? BETWEENNESS_DEFAULTS.exactMaxNodes,
      samplePivots: this.options.betweennessSamplePivots ?? BETWEENNESS_DEFAULTS.samplePivots,
    };
    const exclude = options.excludeLogins ?? [];
    if (exclude.length > 0 || options.names !== undefined)
      return betweennessRows(this.model.projection(exclude), options, settings);
    // The whole graph's scores are kept like PageRank's; the sample depends on the settings, so they name it.
    const name = `betweenness:${settings.exactMaxNodes}:${settings.samplePivots}`;
    const slot = await this.derived(name);
    const kept = keptBetweenness.safeParse(slot.value);
    const scores = await this.derived(`${name}:scores`);
    let meta = kept.success ? kept.data : undefined;
    let byNode = this.byNode(scores.value);
    if (meta === undefined || byNode === undefined) {
      const projection = this.model.projection([]);
      const result = betweennessScoresOf(projection, settings);
      meta = { mode: result.mode, pivots: result.pivots, nodeCount: projection.nodes.length };
      slot.keep(meta);
      const byPerson = this.model.personScores(result.scores);
      scores.keep(byPerson);
      byNode = this.byNode(byPerson) ?? new Float64Array(0);
    }
    return { rows: this.model.topByNode(byNode, options.limit), ...meta };
  }

  async derived(name: string): Promise<DerivedSlot> {
    const version = this.model.version;
    const onDisk = this.onDisk;
    if (onDisk !== undefined && !onDisk.read && onDisk.version === version) {
      onDisk.read = true;
      const fromFile = await readDerivedFile(this.options.dataDir, onDisk.key);
      if (fromFile !== undefined && this.model.version === version) {
        const values = this.keptValues();
        for (const [key, value] of fromFile) if (!values.has(key)) values.set(key, value);
      }
    }
    return {
      value: this.keptValues().get(name),
      keep: (value: unknown) => {
        if (this.model.version !== version || this.closed) return;
        this.keptValues().set(name, value);
        if (this.onDisk?.version === version) this.scheduleDerivedWrite();
      },
    };
  }

  private keptValues(): Map<string, unknown> {
    if (this.kept.version !== this.model.version)
      this.kept = { version: this.model.version, values: new Map() };
    return this.kept.values;
  }

  /**
   * Write what is kept for the graph on disk, after any write already under way. A read-only opener (`ask`)
   * writes only while no writer holds the store: the writer's own file is for a newer graph.
   */
  private scheduleDerivedWrite(): void {
    const { dataDir } = this.options;
    if (dataDir === '' || (this.options.readOnly === true && writerHolds(dataDir))) return;
    // One write waiting is enough: it writes what is kept when it runs (at 10M the file is 100 MB, and the
    // results computed after an import are kept one after another).
    if (this.derivedWriteQueued) return;
    this.derivedWriteQueued = true;
    this.derivedWrite = this.derivedWrite.then(async () => {
      this.derivedWriteQueued = false;
      const onDisk = this.onDisk;
      if (onDisk === undefined || onDisk.version !== this.kept.version) return;
      try {
        await writeDerivedFile(dataDir, onDisk.key, this.kept.values);
      } catch (error) {
        // A cache: failing to keep it costs the next process time, never data.
        this.options.onWarning?.(
          `could not keep derived results beside the snapshot: ${(error as Error).message}`,
        );
      }
    });
  }

  /** Save now if anything changed since the last snapshot. */
  async flush(): Promise<void> {
    // A bulk import ends with a flush: its columns' unused growth goes back (issue 19's memory budget).
    this.model.trimToSize();
    if (!this.persistent) return;
    while (this.saving !== undefined) await this.saving;
    if (this.model.version === this.savedVersion) return;
    // Memory holds a write the journal refused: saving it would count what the bus will deliver again.
    if (this.failure !== undefined) throw this.failure;
    const started = performance.now();
    const version = this.model.version;
    const seq = this.journal?.rotate() ?? this.snapshotSeq;
    const chunks = serializeSnapshot(this.model, seq);
    const demoted = this.snapshotSeq;
    this.saving = writeSnapshotFile(this.snapshotFile, chunks)
      .then(async () => {
        this.savedVersion = version;
        this.snapshotSeq = seq;
        this.onDisk = { key: derivedKey(snapshotChecksum(chunks), seq), version, read: true };
        // Results kept for the graph just saved go on disk under its new key.
        if (this.kept.version === version && this.kept.values.size > 0) this.scheduleDerivedWrite();
        this.lastSaveMs = performance.now() - started;
        // The snapshot now kept as `.prev` holds up to `demoted`: the journal after it stays, so falling
        // back to `.prev` still recovers everything.
        await this.journal?.removeUpTo(demoted);
      })
      .finally(() => {
        this.saving = undefined;
      });
    await this.saving;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    try {
      if (this.failure === undefined) await this.flush();
    } finally {
      this.closed = true;
      await this.derivedWrite;
      await this.journal?.close();
      this.lock?.release();
    }
    if (this.failure !== undefined) throw this.failure;
  }
}

interface Loaded {
  model: EmbeddedGraph;
  snapshotSeq: number;
  lastSeq: number;
  /** The loaded snapshot's checksum; undefined when there was none. */
  checksum: string | undefined;
}

/** The newest snapshot, or `.prev` when the newest cannot be read; then the journal after it. */
async function loadSnapshotAndJournal(file: string, options: EmbeddedStoreOptions): Promise<Loaded> {
  let loaded: LoadedSnapshot | null;
  try {
    loaded = await readSnapshotFile(file);
  } catch (error) {
    const previous = await readSnapshotFile(previousSnapshotFile(file)).catch(() => null);
    if (previous === null) throw error;
    options.onWarning?.(
      `${(error as Error).message.split('. Nothing was loaded')[0]}; using the previous snapshot ${previousSnapshotFile(file)} and the journal after it`,
    );
    loaded = previous;
  }
  const model = loaded?.model ?? new EmbeddedGraph();
  const snapshotSeq = loaded?.journalSeq ?? 0;
  const lastSeq = await replayJournal(options.dataDir, snapshotSeq, (entry) => applyEntry(model, entry));
  return { model, snapshotSeq, lastSeq, checksum: loaded?.checksum };
}

/** A reader racing the writer can see a journal segment vanish (folded into a new snapshot): read again. */
async function loadWithRetry(file: string, options: EmbeddedStoreOptions): Promise<Loaded> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await loadSnapshotAndJournal(file, options);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 5) throw error;
    }
  }
}

function applyEntry(model: EmbeddedGraph, entry: JournalEntry): void {
  switch (entry.op) {
    case 'streamers':
      model.upsertStreamers(entry.rows);
      return;
    case 'teams':
      model.addTeamMemberships(entry.rows);
      return;
    case 'roles':
      model.addRoles(entry.rows);
      return;
    case 'chatters':
      model.addChatters(entry.rows);
      return;
    case 'chat':
      model.applyChatActivity(entry.rows, entry.offsets);
      return;
    case 'monitor':
      model.setMonitoredChannel(entry.login, entry.wanted, entry.requestedBy, entry.at);
      return;
  }
}
