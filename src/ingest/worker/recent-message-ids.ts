/**
 * The message ids the ingest worker applied last, to count a message once when it arrives again at another
 * offset: Twitch re-sends around reconnects, a listener restarted mid-stream publishes again, a producer
 * retried. Offsets cannot catch those (each copy is a new message on the bus); the id can.
 *
 * Bounded: the last `capacity` distinct ids, oldest forgotten first (a ring and a set; no per-id refresh,
 * since a repeat is dropped, not applied again). About 100 bytes per id, ~10 MB at the default 100,000.
 * Limits: held in memory by one worker process, so forgotten on restart and not shared between the
 * workers of a group (Kafka keeps one channel in one partition, so repeats usually reach the same worker),
 * and a copy that comes more than `capacity` messages later counts again.
 */
export class RecentMessageIds {
  private readonly ring: (string | undefined)[];
  private readonly ids = new Set<string>();
  private next = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError('capacity must be a whole number ≥ 0');
    this.ring = new Array<string | undefined>(capacity);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remember `id` as applied (no-op when remembered already, or when the capacity is 0). */
  add(id: string): void {
    if (this.capacity === 0 || this.ids.has(id)) return;
    const oldest = this.ring[this.next];
    if (oldest !== undefined) this.ids.delete(oldest);
    this.ring[this.next] = id;
    this.ids.add(id);
    this.next = this.next + 1 === this.capacity ? 0 : this.next + 1;
  }

  get size(): number {
    return this.ids.size;
  }
}
