/**
 * A bounded FIFO between something that fetches messages and a subscriber that takes them in batches.
 * The fetching side checks `hasSpace()` and waits with `waitForSpace()` (so it can keep a group heartbeat
 * going while it waits); the taking side gets batches by count and by time.
 */
import type { Waiter } from './waiters.js';
import { waitForWake, wakeAll } from './waiters.js';

export class BatchBuffer<T> {
  private items: T[] = [];
  private head = 0;
  private stopped = false;
  private dataWaiters: Waiter[] = [];
  private spaceWaiters: Waiter[] = [];

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be at least 1');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  hasSpace(): boolean {
    return this.size < this.capacity;
  }

  /** Add without waiting; the caller keeps to the capacity with `hasSpace`/`waitForSpace`. */
  push(item: T): void {
    this.items.push(item);
    wakeAll(this.dataWaiters);
  }

  /** Resolves when there is space, the buffer is stopped, or `timeoutMs` has passed. */
  waitForSpace(timeoutMs: number): Promise<void> {
    if (this.hasSpace() || this.stopped) return Promise.resolve();
    return waitForWake(this.spaceWaiters, timeoutMs);
  }

  /**
   * Wait for the first item (or stop), then until `max` items are there or `maxWaitMs` has passed since
   * the first; take up to `max`. Null when stopped and empty.
   */
  async take(max: number, maxWaitMs: number): Promise<T[] | null> {
    for (;;) {
      while (this.size === 0) {
        if (this.stopped) return null;
        await waitForWake(this.dataWaiters, Number.POSITIVE_INFINITY);
      }
      const deadline = performance.now() + maxWaitMs;
      while (this.size < max && !this.stopped) {
        const left = deadline - performance.now();
        if (left <= 0) break;
        await waitForWake(this.dataWaiters, left);
      }
      const end = Math.min(this.items.length, this.head + max);
      const batch = this.items.slice(this.head, end);
      this.head = end;
      this.compact();
      wakeAll(this.spaceWaiters);
      // Empty only when `clear()` ran while waiting: wait for the first item again.
      if (batch.length > 0) return batch;
    }
  }

  /** Drop everything not yet taken (after a rebalance the fetch positions change). */
  clear(): void {
    this.items = [];
    this.head = 0;
    wakeAll(this.spaceWaiters);
  }

  /** No more items will come: a waiting `take` returns what there is. */
  stop(): void {
    this.stopped = true;
    wakeAll(this.dataWaiters);
    wakeAll(this.spaceWaiters);
  }

  private compact(): void {
    // Shifting one by one is quadratic; drop the taken prefix once it is most of the array.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
