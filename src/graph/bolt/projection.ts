/**
 * Build the algorithm input (`GraphProjection`) from the lists Bolt returns (cypher.ts `PROJECTION_*`),
 * with the conventions of the embedded store so both give identical arrays: nodes ordered by (kind, name)
 * in code-unit order, one target entry per relationship, each node's targets sorted.
 */
import type { NodeLabel } from '../../domain/graph-records.js';
import { compareNames, streamDisplayName } from '../graph-order.js';
import type { GraphProjection } from '../graph-store.port.js';
import { kindOf, recordError } from './records.js';

/** Database-internal id (an Integer, read as bigint), only meaningful within one transaction. */
export type InternalId = bigint;

export class ProjectionBuilder {
  private readonly keys: InternalId[] = [];
  private readonly nodes: { name: string; kind: NodeLabel }[] = [];
  private readonly exclude: Set<string>;
  private index: Map<InternalId, number> | undefined;
  private sortedNodes: { name: string; kind: NodeLabel }[] = [];
  private readonly sources: number[] = [];
  private readonly targetList: number[] = [];

  constructor(excludeLogins: readonly string[]) {
    this.exclude = new Set(excludeLogins);
  }

  /** The `PROJECTION_NODES` record: `{ nodes: [[id, labels, name, stream id], …] }`. */
  addNodes(record: object | undefined): void {
    const nodes = record !== undefined && 'nodes' in record ? record.nodes : undefined;
    if (!Array.isArray(nodes)) throw recordError('projection nodes', 'expected a list of nodes');
    for (const node of nodes as unknown[]) {
      if (!Array.isArray(node) || node.length !== 4)
        throw recordError('projection nodes', 'expected [id, labels, name, stream id]');
      const [key, labels, name, id] = node as unknown[];
      this.addNode(key, labels, name, id);
    }
  }

  /** One node: internal id, labels, name (null for a stream known only by id), stream id. */
  private addNode(key: unknown, labels: unknown, name: unknown, id: unknown): void {
    if (typeof key !== 'bigint') throw recordError('projection node', 'id(n) is not an Integer');
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string'))
      throw recordError('projection node', 'labels(n) is not a list of strings');
    if (name !== null && typeof name !== 'string') throw recordError('projection node', 'name is not text');
    if (id !== null && typeof id !== 'string') throw recordError('projection node', 'id is not text');
    const kind = kindOf(labels);
    if (kind === null) return;
    const shown = name ?? streamDisplayName(null, id ?? String(key));
    if ((kind === 'User' || kind === 'Stream') && this.exclude.has(shown)) return;
    this.keys.push(key);
    this.nodes.push({ name: shown, kind });
  }

  /** Call once all nodes are in, before the first relationship. */
  private ensureIndex(): Map<InternalId, number> {
    if (this.index !== undefined) return this.index;
    const order = this.nodes
      .map((_, i) => i)
      .sort((a, b) => {
        const na = this.nodes[a] as { name: string; kind: NodeLabel };
        const nb = this.nodes[b] as { name: string; kind: NodeLabel };
        return compareNames(na.kind, nb.kind) || compareNames(na.name, nb.name);
      });
    this.index = new Map(order.map((original, position) => [this.keys[original] as InternalId, position]));
    this.sortedNodes = order.map((i) => this.nodes[i] as { name: string; kind: NodeLabel });
    return this.index;
  }

  /**
   * The `PROJECTION_RELATIONSHIPS` record: `{ sources: [id, …], targets: [id, …] }`, after every node.
   * Relationships touching a node left out are left out too.
   */
  addRelationships(record: object | undefined): void {
    const sources = record !== undefined && 'sources' in record ? record.sources : undefined;
    const targets = record !== undefined && 'targets' in record ? record.targets : undefined;
    if (!Array.isArray(sources) || !Array.isArray(targets) || sources.length !== targets.length)
      throw recordError('projection relationships', 'expected two lists of ids of equal length');
    const index = this.ensureIndex();
    for (let i = 0; i < sources.length; i += 1) {
      const source: unknown = sources[i];
      const target: unknown = targets[i];
      if (typeof source !== 'bigint' || typeof target !== 'bigint')
        throw recordError('projection relationships', 'id(a)/id(b) is not an Integer');
      const s = index.get(source);
      const t = index.get(target);
      if (s === undefined || t === undefined) continue;
      this.sources.push(s);
      this.targetList.push(t);
    }
  }

  build(): GraphProjection {
    this.ensureIndex();
    const n = this.sortedNodes.length;
    const offsets = new Uint32Array(n + 1);
    for (const s of this.sources) offsets[s + 1] = (offsets[s + 1] as number) + 1;
    for (let i = 0; i < n; i += 1) offsets[i + 1] = (offsets[i + 1] as number) + (offsets[i] as number);
    const targets = new Uint32Array(this.sources.length);
    const fill = offsets.slice(0, -1);
    for (let e = 0; e < this.sources.length; e += 1) {
      const s = this.sources[e] as number;
      targets[fill[s] as number] = this.targetList[e] as number;
      fill[s] = (fill[s] as number) + 1;
    }
    for (let i = 0; i < n; i += 1) targets.subarray(offsets[i], offsets[i + 1]).sort();
    return { nodes: this.sortedNodes, offsets, targets };
  }
}
