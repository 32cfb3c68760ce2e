/**
 * Listeners sharded by channel: with TWITCH_SHARD=i/n, a listener takes the monitored channels whose login
 * hashes to slot i of n, so n listeners (each its own connection, join budget and account) split the /monitor
 * set between them without talking to each other. FNV-1a: stable across processes and versions, unlike
 * anything seeded per process.
 */
export interface ChannelShard {
  /** 1-based. */
  index: number;
  count: number;
}

export function shardSlot(login: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < login.length; i += 1) {
    hash ^= login.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

export function inShard(login: string, shard: ChannelShard): boolean {
  return shard.count <= 1 || shardSlot(login.toLowerCase(), shard.count) === shard.index;
}
