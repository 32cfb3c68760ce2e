/**
 * Twitch limits how fast an account may JOIN channels: 20 JOINs per 10 seconds for a normal account
 * (https://dev.twitch.tv/docs/chat/#rate-limits; verified bots were allowed more, and verification is paused).
 * Going over gets JOINs dropped and can get the connection closed. The pacer keeps the listener within a
 * configurable `limit` per `windowMs` over any sliding window, which joins many channels in waves: `limit`
 * at once, then the next `limit` once the window has passed since the first of them, and so on.
 *
 * One pacer serves every connection of a listener, because Twitch counts per account, and during a
 * reconnect two connections of the same account are open.
 */
import type { Clock } from '../../util/clock.js';
import { systemClock } from '../../util/clock.js';

export interface JoinPacerOptions {
  limit: number;
  windowMs: number;
  /**
   * Extra wait beyond the window, so that network jitter cannot squeeze `limit + 1` JOINs into one window
   * as Twitch measures it. Default: 2.5% of the window (250 ms for 10 s).
   */
  marginMs?: number;
}

export class JoinPacer {
  readonly limit: number;
  readonly windowMs: number;
  private readonly marginMs: number;
  /** Times of the latest JOINs, oldest first; at most `limit`. */
  private readonly sent: number[] = [];

  constructor(
    options: JoinPacerOptions,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('join limit must be ≥ 1');
    if (!(options.windowMs > 0)) throw new RangeError('join window must be > 0 ms');
    this.limit = options.limit;
    this.windowMs = options.windowMs;
    this.marginMs = options.marginMs ?? Math.ceil(options.windowMs / 40);
  }

  /** Milliseconds until one more JOIN may be sent; 0 when it may go now. */
  delay(): number {
    if (this.sent.length < this.limit) return 0;
    const oldest = this.sent[0] as number;
    return Math.max(0, oldest + this.windowMs + this.marginMs - this.clock.now());
  }

  /** Wait until one more JOIN may be sent (rejects with an AbortError when `signal` aborts). */
  async ready(signal?: AbortSignal): Promise<void> {
    for (let wait = this.delay(); wait > 0; wait = this.delay()) await this.clock.sleep(wait, signal);
  }

  /** Count a JOIN sent now. */
  record(): void {
    this.sent.push(this.clock.now());
    if (this.sent.length > this.limit) this.sent.shift();
  }
}
