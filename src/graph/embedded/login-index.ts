/**
 * Login → node for the embedded graph, as an open-addressing table: an array of the login strings (the same
 * strings the graph keeps as names, so no copies) and an Int32Array of nodes. A JS Map of 616k logins (the 1M
 * seed) takes about 29 MiB, this about 12 (issue 19's memory budget; docs/ARCHITECTURE.md, "The embedded
 * store"). The subset of Map's interface the graph uses.
 */

/** A slot whose login was deleted: probing goes on past it, an insert may reuse it. */
const DELETED = null;
/** At most this share of slots used (live or deleted) before the table doubles. */
const MAX_LOAD = 0.75;

function hashOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 15);
}

export class LoginIndex {
  /** Logins by slot: undefined when the slot was never used, DELETED when its login was removed. */
  private keys: (string | null | undefined)[];
  private nodes: Int32Array;
  /** Live logins. */
  size = 0;
  /** Slots that are not undefined (live or deleted). */
  private taken = 0;

  constructor(expected = 0) {
    let capacity = 1024;
    while (capacity * MAX_LOAD < expected) capacity *= 2;
    this.keys = new Array<string | null | undefined>(capacity).fill(undefined);
    this.nodes = new Int32Array(capacity);
  }

  /** The slot holding `key`, or −1. */
  private find(key: string): number {
    const mask = this.keys.length - 1;
    for (let slot = hashOf(key) & mask; ; slot = (slot + 1) & mask) {
      const at = this.keys[slot];
      if (at === undefined) return -1;
      if (at === key) return slot;
    }
  }

  get(key: string): number | undefined {
    const slot = this.find(key);
    return slot === -1 ? undefined : this.nodes[slot];
  }

  has(key: string): boolean {
    return this.find(key) !== -1;
  }

  set(key: string, node: number): this {
    const mask = this.keys.length - 1;
    let reuse = -1;
    let slot = hashOf(key) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const at = this.keys[slot];
      if (at === undefined) break;
      if (at === key) {
        this.nodes[slot] = node;
        return this;
      }
      if (at === DELETED && reuse === -1) reuse = slot;
    }
    if (reuse !== -1) slot = reuse;
    else this.taken += 1;
    this.keys[slot] = key;
    this.nodes[slot] = node;
    this.size += 1;
    if (this.taken > this.keys.length * MAX_LOAD) this.rebuild(this.size * 2 > this.keys.length * MAX_LOAD);
    return this;
  }

  delete(key: string): boolean {
    const slot = this.find(key);
    if (slot === -1) return false;
    this.keys[slot] = DELETED;
    this.size -= 1;
    return true;
  }

  /** Every live slot again, into a table twice as big or (mostly deleted slots) the same size. */
  private rebuild(bigger: boolean): void {
    const keys = this.keys;
    const nodes = this.nodes;
    const capacity = bigger ? keys.length * 2 : keys.length;
    this.keys = new Array<string | null | undefined>(capacity).fill(undefined);
    this.nodes = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let old = 0; old < keys.length; old += 1) {
      const key = keys[old];
      if (key === undefined || key === DELETED) continue;
      let slot = hashOf(key) & mask;
      while (this.keys[slot] !== undefined) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.nodes[slot] = nodes[old] as number;
    }
    this.taken = this.size;
  }
}
