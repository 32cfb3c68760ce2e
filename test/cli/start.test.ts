/**
 * `twitchgraph start` as a person runs it: its own process on the embedded defaults, the sample data
 * replayed into a graph that grows, the playground and the ops endpoints answering, Ctrl-C (SIGINT) exiting
 * 0, and a second start that keeps the graph and goes on with the replay — counting no sample message twice
 * and losing none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../src/cli/package-paths.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { totalMessages } from '../support/chat-events.js';
import { runCli } from '../support/cli-harness.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { CliProcess } from '../support/spawn-cli.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { metricValue } from '../support/prometheus-text.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-start-');

/** Valid `user_id,chatter_login` lines of the sample chatters.csv (what the replay publishes). */
function sampleChatterLines(): number {
  return readFileSync(join(SAMPLE_DATA_DIR, 'chatters.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => /^\d+,\S+$/.test(line)).length;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The "is running" banner's addresses, once printed. */
function addresses(proc: CliProcess): { playground: string; ops: string } | undefined {
  const text = proc.output();
  const playground = /front end\s+playground (http:\/\/\S+)/.exec(text)?.[1];
  const ops = /ops\s+(http:\/\/\S+)\/healthz/.exec(text)?.[1];
  return playground === undefined || ops === undefined ? undefined : { playground, ops };
}

async function scrapeApplied(ops: string): Promise<number> {
  return metricValue(await (await fetch(`${ops}/metrics`)).text(), 'twitchgraph_ingest_events_applied_total');
}

async function storedMessages(dataDir: string): Promise<number> {
  const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
  try {
    const ids = (await store.streamersBy({ language: null, game: null })).map((s) => s.id);
    return await totalMessages(store, ids);
  } finally {
    await store.close();
  }
}

describe('twitchgraph start', () => {
  it('grows the graph from the replay behind the playground; Ctrl-C exits 0 and a second start goes on', async () => {
    const dataDir = tempDir();
    const env = { TWITCHGRAPH_DATA_DIR: dataDir, HTTP_PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn' };
    const total = sampleChatterLines();
    expect(total).toBeGreaterThan(5_000);

    const first = spawnCli(['start', '--rate', '1500'], env);
    const at = await until('the running banner', () => addresses(first));
    expect(first.output()).toContain('First run: importing the sample dataset');
    const page = await fetch(at.playground);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>');
    expect((await fetch(`${at.ops}/readyz`)).status).toBe(200);
    const early = await until('events applied', async () => {
      const n = await scrapeApplied(at.ops);
      return n > 0 ? n : undefined;
    });
    const later = await until('more events applied', async () => {
      const n = await scrapeApplied(at.ops);
      return n > early && n >= 1_500 ? n : undefined;
    });
    expect(later).toBeLessThan(total);

    first.child.kill('SIGINT');
    expect(await untilExit(first, 30_000), first.output()).toEqual({ code: 0, signal: null });
    const afterFirst = await storedMessages(dataDir);
    expect(afterFirst).toBeGreaterThanOrEqual(later);
    expect(afterFirst).toBeLessThan(total);

    const second = spawnCli(['start', '--rate', '5000'], env);
    const again = await until('the second banner', () => addresses(second));
    expect(second.output()).not.toContain('First run');
    expect(second.output()).toContain(
      `after the ${afterFirst.toLocaleString('en-US')} events earlier starts`,
    );
    await until('the rest of the replay', async () => {
      const n = await scrapeApplied(again.ops);
      return n >= total - afterFirst ? n : undefined;
    });
    second.child.kill('SIGTERM');
    expect(await untilExit(second, 30_000), second.output()).toEqual({ code: 0, signal: null });
    expect(await storedMessages(dataDir)).toBe(total);
  }, 120_000);

  it('never replays the sample into a store that holds imported data, and says so', async () => {
    const dataDir = tempDir();
    const env = { TWITCHGRAPH_DATA_DIR: dataDir, HTTP_PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn' };
    expect((await runCli(['import', '--data', demoDatasetDir()], env)).code).toBe(0);
    const run = spawnCli(['start', '--rate', '5000'], env);
    await until('the running banner', () => addresses(run));
    expect(run.output()).not.toContain('First run');
    expect(run.output()).toContain('no chat source: the graph already holds data that start did not import');
    await sleep(500);
    run.child.kill('SIGINT');
    expect(await untilExit(run, 30_000), run.output()).toEqual({ code: 0, signal: null });
    const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
    try {
      const counts = await store.counts();
      expect(counts.byLabel.Stream).toBe(57);
      expect(counts.byType.CHATTER).toBe(28_950);
    } finally {
      await store.close();
    }
  }, 60_000);
});
