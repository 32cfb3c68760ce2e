/**
 * Promises parked until a producer or consumer makes progress: the in-process bus and the Kafka batch buffer
 * both wait for "data arrived" or "space freed" this way, with an optional timeout.
 */
export type Waiter = () => void;

export function wakeAll(waiters: Waiter[]): void {
  for (const w of waiters.splice(0)) w();
}

/** Resolves when woken, or after `timeoutMs` (then it leaves the list). */
export function waitForWake(waiters: Waiter[], timeoutMs = Number.POSITIVE_INFINITY): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      resolve();
    };
    waiters.push(done);
    if (Number.isFinite(timeoutMs)) {
      timer = setTimeout(() => {
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }, timeoutMs);
    }
  });
}
