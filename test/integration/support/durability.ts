/** Shared pieces of the durability fault suite: seeded kill moments, sample totals, reading a store back. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SAMPLE_DATA_DIR } from '../../../src/cli/package-paths.js';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import { totalMessages } from '../../support/chat-events.js';
import type { CliProcess } from '../../support/spawn-cli.js';

/** A small seeded generator (mulberry32), so a failing trial can be run again with the same moments. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function faultSeed(): number {
  const fromEnv = Number(process.env.FAULT_SEED);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 20261204;
}

/** Valid `user_id,chatter_login` lines of a chatters.csv (what a replay publishes). */
export function chatterLines(dataDir: string = SAMPLE_DATA_DIR): number {
  return readFileSync(join(dataDir, 'chatters.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => /^\d+,\S+$/.test(line)).length;
}

export interface StoreTotals {
  messages: number;
  chatterEdges: number;
  streams: number;
}

/** Opens the store as `ask` does (read-only: snapshot + journal) and reads its totals. */
export async function storeTotals(dataDir: string): Promise<StoreTotals> {
  const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
  try {
    const counts = await store.counts();
    const ids = (await store.streamersBy({ language: null, game: null })).map((s) => s.id);
    return {
      messages: await totalMessages(store, ids),
      chatterEdges: counts.byType.CHATTER,
      streams: counts.byLabel.Stream,
    };
  } finally {
    await store.close();
  }
}

export async function untilOutput(proc: CliProcess, pattern: RegExp, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pattern.test(proc.output())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${proc.output()}`);
    await sleep(50);
  }
}
