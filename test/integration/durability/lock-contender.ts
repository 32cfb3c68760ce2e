/**
 * One of several processes racing for stale writer locks (run by durability-faults.test.ts with tsx):
 * for each round it waits for `<root>/go-<round>`, tries to take `<root>/round-<round>`'s lock, writes
 * `won` or `lost` to `<root>/result-<round>-<id>`, and keeps whatever it took until it exits.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WriterLock } from '../../../src/graph/embedded/writer-lock.js';

const [root, id, roundsText] = process.argv.slice(2);
if (root === undefined || id === undefined || roundsText === undefined) {
  throw new Error('usage: lock-contender <root> <id> <rounds>');
}
const held: WriterLock[] = [];
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let round = 0; round < Number(roundsText); round += 1) {
  while (!existsSync(join(root, `go-${round}`))) Atomics.wait(pause, 0, 0, 2);
  let outcome = 'lost';
  try {
    held.push(WriterLock.acquire(join(root, `round-${round}`), `contender ${id}`));
    outcome = 'won';
  } catch {
    // Refused: another contender holds it.
  }
  writeFileSync(join(root, `result-${round}-${id}`), outcome);
}
// Held until the driver has read every round.
while (!existsSync(join(root, 'done'))) Atomics.wait(pause, 0, 0, 10);
for (const lock of held) lock.release();
