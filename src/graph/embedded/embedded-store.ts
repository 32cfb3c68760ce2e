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
import { betweenness, BETWEENNESS_DEFAULTS } from '../algorithms/betweenness.js';
import { pagerank } from '../algorithms/pagerank.js';
import { topScored } from '../algorithms/top-scores.js';
import type {
  AccountPresence,
  AlgorithmOptions,
  AudienceOverlap,
  SharedAudienceGraph,
  AudienceRecord,
  BetweennessResult,
  GraphCounts,
  GraphProjection,
  GraphStore,
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
import { EmbeddedGraph } from './embedded-graph.js';
import { readSnapshotFile, serializeSnapshot, writeSnapshotFile } from './snapshot.js';
import { WriterLock } from './writer-lock.js';

export const SNAPSHOT_FILE = 'graph.ndjson';

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
}

export class EmbeddedGraphStore implements GraphStore {
  readonly backend = 'embedded';
  private savedVersion: number;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private lastSaveMs = 0;
  private closed = false;

  private constructor(
    private readonly model: EmbeddedGraph,
    private readonly options: EmbeddedStoreOptions,
    private readonly lock: WriterLock | undefined,
  ) {
    this.savedVersion = model.version;
  }

  static async open(options: EmbeddedStoreOptions): Promise<EmbeddedGraphStore> {
    const file = join(options.dataDir, SNAPSHOT_FILE);
    let lock: WriterLock | undefined;
    if (options.readOnly !== true) {
      mkdirSync(options.dataDir, { recursive: true });
      lock = WriterLock.acquire(options.dataDir, options.command ?? 'twitchgraph');
    }
    try {
      const model = (await readSnapshotFile(file)) ?? new EmbeddedGraph();
      return new EmbeddedGraphStore(model, options, lock);
    } catch (error) {
      lock?.release();
      throw error;
    }
  }

  /** A store that never touches the disk (tests, benchmarks). */
  static inMemory(options: Omit<EmbeddedStoreOptions, 'dataDir'> = {}): EmbeddedGraphStore {
    return new EmbeddedGraphStore(new EmbeddedGraph(), { ...options, dataDir: '' }, undefined);
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

  private write<T>(apply: () => T): T {
    if (this.closed) throw new GraphStoreError('The graph store is closed', 'STORE_CLOSED', false);
    if (this.options.readOnly === true) {
      throw new GraphStoreError('This embedded store was opened read-only', 'STORE_READ_ONLY', false);
    }
    const result = apply();
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
    return Promise.resolve(this.write(() => this.model.upsertStreamers(rows)));
  }

  async addTeamMemberships(rows: readonly TeamMembership[]): Promise<WriteResult> {
    return Promise.resolve(this.write(() => this.model.addTeamMemberships(rows)));
  }

  async addRoles(rows: readonly RoleGrant[]): Promise<WriteResult> {
    return Promise.resolve(this.write(() => this.model.addRoles(rows)));
  }

  async addChatters(rows: readonly ChatterPresence[]): Promise<WriteResult> {
    return Promise.resolve(this.write(() => this.model.addChatters(rows)));
  }

  async applyChatActivity(rows: readonly ChatActivity[], offsets: readonly OffsetUpdate[]): Promise<void> {
    this.write(() => this.model.applyChatActivity(rows, offsets));
    return Promise.resolve();
  }

  async readOffsets(group: string, topic: string): Promise<ConsumerOffset[]> {
    return Promise.resolve(this.model.readOffsets(group, topic));
  }

  async monitoredChannels(): Promise<MonitoredChannel[]> {
    return Promise.resolve(this.model.monitoredChannels());
  }

  async setMonitoredChannel(login: string, wanted: boolean, requestedBy: string): Promise<boolean> {
    return Promise.resolve(
      this.write(() => this.model.setMonitoredChannel(login, wanted, requestedBy, Date.now())),
    );
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

  /** PageRank of a projection, kept while the projection is current (the projection is cached per version). */
  private readonly pagerankOf = new WeakMap<GraphProjection, Float64Array>();

  async pagerank(options: AlgorithmOptions): Promise<ScoredNode[]> {
    const projection = this.model.projection(options.excludeLogins);
    let scores = this.pagerankOf.get(projection);
    if (scores === undefined) {
      scores = pagerank(projection);
      this.pagerankOf.set(projection, scores);
    }
    return Promise.resolve(topScored(projection, scores, options.limit, options.names));
  }

  async betweenness(options: AlgorithmOptions): Promise<BetweennessResult> {
    const projection = this.model.projection(options.excludeLogins);
    const result = betweenness(projection, {
      exactMaxNodes: this.options.betweennessExactMaxNodes ?? BETWEENNESS_DEFAULTS.exactMaxNodes,
      samplePivots: this.options.betweennessSamplePivots ?? BETWEENNESS_DEFAULTS.samplePivots,
    });
    return Promise.resolve({
      rows: topScored(projection, result.scores, options.limit, options.names),
      mode: result.mode,
      pivots: result.pivots,
      nodeCount: projection.nodes.length,
    });
  }

  /** Save now if anything changed since the last snapshot. */
  async flush(): Promise<void> {
    if (!this.persistent) return;
    while (this.saving !== undefined) await this.saving;
    if (this.model.version === this.savedVersion) return;
    const started = performance.now();
    const version = this.model.version;
    const chunks = serializeSnapshot(this.model);
    this.saving = writeSnapshotFile(this.snapshotFile, chunks)
      .then(() => {
        this.savedVersion = version;
        this.lastSaveMs = performance.now() - started;
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
      await this.flush();
    } finally {
      this.closed = true;
      this.lock?.release();
    }
  }
}
