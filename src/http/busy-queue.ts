/**
 * At most `concurrency` heavy tasks at a time and at most `waiting` queued behind them; beyond that the
 * caller is told at once that the server is busy. Between tasks the event loop gets a turn, so health
 * checks and light requests are answered even while a flood of heavy ones is worked through.
 */
export class BusyQueue {
  private running = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly waiting: number,
  ) {}

  /** The task's result, or `busy` when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<{ busy: false; value: T } | { busy: true }> {
    if (this.running >= this.concurrency) {
      if (this.queue.length >= this.waiting) return { busy: true };
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else this.running += 1;
    try {
      // A heavy task may hold the event loop for a while; let pending I/O in first.
      await new Promise((resolve) => setImmediate(resolve));
      return { busy: false, value: await task() };
    } finally {
      const next = this.queue.shift();
      if (next === undefined) this.running -= 1;
      else next();
    }
  }

  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.queue.length };
  }
}
