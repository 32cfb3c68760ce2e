/**
 * Time as the pacing code sees it: a monotonic `now()` in milliseconds and an abortable `sleep`. Production
 * uses the system clock; tests of pacing at Twitch's real numbers (minutes of joins) use a fake one.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects (AbortError) when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => delay(ms, undefined, signal === undefined ? {} : { signal }),
};
