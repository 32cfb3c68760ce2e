/**
 * kill -9 at random moments during `twitchgraph start` and during `twitchgraph import`: after each kill the
 * store loads (as `ask` opens it) and holds no message twice; after a final run to the end, the totals equal
 * exactly what was published. The moments come from a seeded generator (FAULT_SEED to replay a run).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { spawnCli, untilExit } from '../../support/spawn-cli.js';
import { demoDatasetDir } from '../../support/demo-dataset.js';
import { useTempDirs } from '../../support/temp-dir.js';
import { chatterLines, faultSeed, seededRandom, storeTotals, untilOutput } from '../support/durability.js';

const tempDir = useTempDirs('twitchgraph-kill-');
const START_TRIALS = 20;
const IMPORT_TRIALS = 10;

describe('kill -9 during start and import', () => {
  it(`start: ${START_TRIALS} kills at random moments, then a run to the end: every sample message exactly once`, async () => {
    const seed = faultSeed();
    const random = seededRandom(seed);
    const dataDir = tempDir();
    const env = { TWITCHGRAPH_DATA_DIR: dataDir, HTTP_PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'info' };
    const published = chatterLines();
    const seen: number[] = [];
    for (let trial = 0; trial < START_TRIALS; trial += 1) {
      // Slow enough that the replay spans every trial, so kills land before, during and between batches.
      const proc = spawnCli(['start', '--rate', '200'], env);
      // From the first instant (opening, first-run import) to well into the replay.
      await sleep(300 + random() * 3_000);
      proc.child.kill('SIGKILL');
      const exit = await untilExit(proc);
      expect(exit.signal, proc.output()).toBe('SIGKILL');
      const totals = await storeTotals(dataDir); // throws if the store does not load
      expect(totals.messages).toBeLessThanOrEqual(published);
      seen.push(totals.messages);
    }
    const last = spawnCli(['start', '--rate', '6000'], env);
    await untilOutput(
      last,
      /replay of the sample chatters finished|were all replayed by earlier starts/,
      120_000,
    );
    last.child.kill('SIGINT');
    expect((await untilExit(last)).code, last.output()).toBe(0);
    const totals = await storeTotals(dataDir);
    console.log(
      `kill -9 during start (seed ${seed}): ${START_TRIALS} kills; messages stored after each: ${seen.join(', ')}; ` +
        `after the last run: ${totals.messages} of ${published} published`,
    );
    expect(totals.messages).toBe(published);
  }, 300_000);

  it(`import: ${IMPORT_TRIALS} kills at random moments, then a full import: the demo graph exactly`, async () => {
    const seed = faultSeed() + 1;
    const random = seededRandom(seed);
    const dataDir = tempDir();
    const env = { TWITCHGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const demo = demoDatasetDir();
    const seen: string[] = [];
    for (let trial = 0; trial < IMPORT_TRIALS; trial += 1) {
      const proc = spawnCli(['import', '--data', demo], env);
      // The whole import takes about a second here, start-up included: kill anywhere in it.
      await sleep(350 + random() * 800);
      proc.child.kill('SIGKILL');
      await untilExit(proc);
      const totals = await storeTotals(dataDir);
      expect(totals.chatterEdges).toBeLessThanOrEqual(28_950);
      seen.push(`${totals.streams}/${totals.chatterEdges}`);
    }
    const last = spawnCli(['import', '--data', demo], env);
    expect((await untilExit(last)).code, last.output()).toBe(0);
    const totals = await storeTotals(dataDir);
    console.log(
      `kill -9 during import (seed ${seed}): ${IMPORT_TRIALS} kills; streams/CHATTER after each: ${seen.join(', ')}; ` +
        `after a full import: ${totals.streams}/${totals.chatterEdges}`,
    );
    expect(totals).toMatchObject({ streams: 57, chatterEdges: 28_950 });
    expect(chatterLines(demo)).toBe(28_950);
  }, 300_000);
});
