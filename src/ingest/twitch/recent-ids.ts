/**
 * A bounded set of recently seen message ids, least recently seen evicted first. Twitch delivers the same
 * message on every connection that has joined the channel, so while a reconnect overlaps two connections
 * (make before break) each message arrives twice; the copies arrive within moments of each other, so a few
 * thousand recent ids cover it.
 */
export class RecentIds {
  private readonly ids = new Map<string, true>();

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be ≥ 1');
  }

  /** True when `id` was seen recently (it becomes the most recent); otherwise remembers it and returns false. */
  seen(id: string): boolean {
    if (this.ids.delete(id)) {
      this.ids.set(id, true);
      return true;
    }
    this.ids.set(id, true);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next();
      if (oldest.done !== true) this.ids.delete(oldest.value);
    }
    return false;
  }

  get size(): number {
    return this.ids.size;
  }
}
