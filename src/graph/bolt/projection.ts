/**
 * Build the algorithm input (`GraphProjection`) from the lists Bolt returns (cypher.ts `PROJECTION_*`),
 * with the conventions of the embedded store so both give identical arrays: nodes ordered by (kind, name)
 * in code-unit order, one target entry per relationship, each node's targets sorted.
 */
import type { NodeLabel } from '../../domain/graph-records.js';
import { compareNames } from '../graph-order.js';
import type { GraphProjection } from '../graph-store.port.js';
import { recordError } from './records.js';

/** Kinds in the order of the projection (code-unit order of their names, as `compareNames` sorts them). */
const KIND_ORDER: readonly NodeLabel[] = (['Game', 'Language', 'Stream', 'Team', 'User'] as NodeLabel[]).sort(
  compareNames,
);

/** The kind numbers of cypher.ts `PROJECTION_NODES`, in the precedence of records.ts `kindOf`. */
const KIND_CODES: readonly NodeLabel[] = ['Stream', 'User', 'Game', 'Language', 'Team'];

/** Position of each internal id in the projection: a dense array when ids are dense, else a map. */
type NodeIndex = { get(key: number): number | undefined };

export class ProjectionBuilder {
  /** Internal ids as numbers: ids are record positions, far below 2^53, and number keys hash fast. */
  private readonly keys: number[] = [];
  private readonly nodes: { name: string; kind: NodeLabel }[] = [];
  private readonly exclude: Set<string>;
  private index: NodeIndex | undefined;
  private sortedNodes: { name: string; kind: NodeLabel }[] = [];
  private readonly sources: number[] = [];
  private readonly targetList: number[] = [];

  constructor(excludeLogins: readonly string[]) {
    this.exclude = new Set(excludeLogins);
  }

  /** A `PROJECTION_NODES` record: `{ keys: [id, …], kinds: [kind number, …], names: [shown name, …] }`. */
  addNodes(record: object | undefined): void {
    const keys = record !== undefined && 'keys' in record ? record.keys : undefined;
    const kinds = record !== undefined && 'kinds' in record ? record.kinds : undefined;
    const names = record !== undefined && 'names' in record ? record.names : undefined;
    if (
      !Array.isArray(keys) ||
      !Array.isArray(kinds) ||
      !Array.isArray(names) ||
      kinds.length !== keys.length ||
      names.length !== keys.length
    )
      throw recordError('projection nodes', 'expected three lists of equal length');
    for (let i = 0; i < keys.length; i += 1) {
      const key: unknown = keys[i];
      const code: unknown = kinds[i];
      const name: unknown = names[i];
      if (typeof key !== 'bigint') throw recordError('projection node', 'id(n) is not an Integer');
      const kind = typeof code === 'bigint' ? KIND_CODES[Number(code)] : undefined;
      if (kind === undefined) throw recordError('projection node', 'unknown kind');
      if (typeof name !== 'string') throw recordError('projection node', 'name is not text');
      if ((kind === 'User' || kind === 'Stream') && this.exclude.has(name)) continue;
      this.keys.push(Number(key));
      this.nodes.push({ name, kind });
    }
  }

  /** Call once all nodes are in, before the first relationship. */
  private ensureIndex(): NodeIndex {
    if (this.index !== undefined) return this.index;
    const order = this.sortedOrder();
    this.sortedNodes = order.map((i) => this.nodes[i] as { name: string; kind: NodeLabel });
    let maxKey = -1;
    for (const key of this.keys) if (key > maxKey) maxKey = key;
    if (maxKey < 4 * this.keys.length + 1_024) {
      // Ids are record positions, dense after an import: an array lookup instead of hashing a million keys.
      const positions = new Int32Array(maxKey + 1).fill(-1);
      order.forEach((original, position) => {
        positions[this.keys[original] as number] = position;
      });
      this.index = {
        get: (key) => {
          const position = key <= maxKey ? (positions[key] as number) : -1;
          return position < 0 ? undefined : position;
        },
      };
    } else {
      this.index = new Map(order.map((original, position) => [this.keys[original] as number, position]));
    }
    return this.index;
  }

  /**
   * Node positions ordered by (kind, name) in code-unit order. Names of one kind are unique in the model,
   * so each kind's names are sorted with the engine's own string sort (code-unit order, no comparator
   * calls, several times faster at 600k names); should a name repeat, a stable comparator sort decides.
   */
  private sortedOrder(): number[] {
    const byKind = new Map<NodeLabel, Map<string, number>>(KIND_ORDER.map((k) => [k, new Map()]));
    let repeated = false;
    this.nodes.forEach((node, i) => {
      const names = byKind.get(node.kind) as Map<string, number>;
      if (names.has(node.name)) repeated = true;
      else names.set(node.name, i);
    });
    if (repeated)
      return this.nodes
        .map((_, i) => i)
        .sort((a, b) => {
          const na = this.nodes[a] as { name: string; kind: NodeLabel };
          const nb = this.nodes[b] as { name: string; kind: NodeLabel };
          return compareNames(na.kind, nb.kind) || compareNames(na.name, nb.name);
        });
    const order: number[] = [];
    for (const kind of KIND_ORDER) {
      const names = byKind.get(kind) as Map<string, number>;
      for (const name of [...names.keys()].sort()) order.push(names.get(name) as number);
    }
    return order;
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
      const s = index.get(Number(source));
      const t = index.get(Number(target));
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
    for (let i = 0; i < n; i += 1) {
      const from = offsets[i] as number;
      const to = offsets[i + 1] as number;
      if (to - from > 1) targets.subarray(from, to).sort();
    }
    return { nodes: this.sortedNodes, offsets, targets };
  }
}
