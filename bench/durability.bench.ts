/**
 * What durability costs (docs/BENCHMARKS.md, README "Durability"):
 *
 * - in-process bus → embedded store on disk, live chat, with every batch synced to the journal before it
 *   counts, against the same store with the journal off; the ratio in one run (goal: still ≥ 100k events/s);
 * - on the 1M-relationship generated graph: the snapshot (serialise, write, sync, rename), recovery from
 *   the snapshot alone, and recovery from the journal alone (a crash before any snapshot).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { generateDataset } from '../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { MemoryEventBus } from '../src/ingest/bus/memory-bus.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import type { BenchRow } from './bench-kit.js';
import { measureWithCpu, round, rssMiB } from './bench-kit.js';
import { ingest, liveChat } from './pipeline.bench.js';

const EVENTS = 200_000;

async function ingestRow(journal: boolean, stream: ReturnType<typeof liveChat>['stream']): Promise<BenchRow> {
  const dirs: string[] = [];
  const { row, cpuMs } = await measureWithCpu(
    `in-process bus → embedded store on disk, live chat, journal ${journal ? 'on' : 'off'}, ${EVENTS.toLocaleString('en-US')} events`,
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'twitchgraph-bench-journal-'));
      dirs.push(dir);
      // Snapshots far apart, so the rows differ by the journal alone.
      const store = await EmbeddedGraphStore.open({
        dataDir: dir,
        command: 'bench',
        journal,
        snapshotMinIntervalMs: 3_600_000,
      });
      const bus = new MemoryEventBus({ capacity: 100_000, keepLatestOnly: ['chatters.dlq'] });
      const publisher = await bus.publisher();
      const consuming = ingest(
        bus,
        { topic: 'chatters', group: 'bench' },
        EVENTS,
        5_000,
        new Registry(),
        undefined,
        store,
      );
      await publisher.publish('chatters', stream);
      await consuming;
      await bus.close();
      await store.close();
    },
    { runs: 5, warmup: 1 },
  );
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  const [one] = loadavg();
  row.note = `${Math.round((EVENTS / row.median_ms) * 1000).toLocaleString('en-US')} events/s wall, ${Math.round((EVENTS / cpuMs) * 1000).toLocaleString('en-US')} per CPU-second (snapshot on close included); load ${one?.toFixed(1)} on ${cpus().length} cores`;
  return row;
}

async function largeGraphRows(): Promise<BenchRow[]> {
  const generated = join(process.cwd(), '.cache', 'bench', 'generated-1m-seed1');
  if (!existsSync(join(generated, 'chatters.csv'))) {
    await generateDataset(generated, { streamers: 2_000, chatterEdges: 1_000_000, seed: 1, bots: 8 });
  }
  const dir = await mkdtemp(join(tmpdir(), 'twitchgraph-bench-recovery-'));
  const rows: BenchRow[] = [];
  const once = (name: string, ms: number, note: string): BenchRow => ({
    name,
    median_ms: round(ms),
    p95_ms: round(ms),
    runs: 1,
    note,
  });
  try {
    const store = await EmbeddedGraphStore.open({
      dataDir: dir,
      command: 'bench',
      snapshotMinIntervalMs: 3_600_000,
    });
    let started = performance.now();
    await importSeedDirectory(generated, store, { batchSize: 20_000 });
    const counts = await store.counts();
    // The importer saves a snapshot at its end; drop it so the next open reads the journal alone.
    await rm(join(dir, 'graph.ndjson'), { force: true });
    await rm(join(dir, 'graph.ndjson.prev'), { force: true });
    const size = `${counts.nodes.toLocaleString('en-US')} nodes, ${counts.relationships.toLocaleString('en-US')} relationships`;
    rows.push(
      once('import of the 1M graph into the store on disk, journal on', performance.now() - started, size),
    );

    // No snapshot yet: what a crash right now would read back — the journal alone.
    started = performance.now();
    const fromJournal = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    const journalMs = performance.now() - started;
    const same = (await fromJournal.counts()).relationships === counts.relationships;
    await fromJournal.close();
    rows.push(
      once(
        'recovery of the 1M graph from the journal alone (crash before any snapshot)',
        journalMs,
        `${size}; ${same ? 'same counts' : 'COUNTS DIFFER'}`,
      ),
    );

    // The import ended with a snapshot; one more write gives the next one something to save.
    await store.addChatters([
      { streamerId: (await store.topStreamers('followers', 1))[0]?.id ?? '0', login: 'bench_extra' },
    ]);
    started = performance.now();
    await store.flush();
    rows.push(
      once(
        'snapshot of the 1M graph (serialise, write, sync, rename, sync directory)',
        performance.now() - started,
        `RSS ${rssMiB()} MiB`,
      ),
    );
    await store.close();

    started = performance.now();
    const fromSnapshot = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    const snapshotMs = performance.now() - started;
    await fromSnapshot.close();
    rows.push(once('recovery of the 1M graph from its snapshot', snapshotMs, size));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function benchDurability(): Promise<BenchRow[]> {
  const { stream } = liveChat(EVENTS);
  const on = await ingestRow(true, stream);
  const off = await ingestRow(false, stream);
  const ratio: BenchRow = {
    name: 'journal on / journal off, in-process live chat',
    median_ms: 0,
    p95_ms: 0,
    runs: 0,
    note: `${(on.median_ms / off.median_ms).toFixed(2)}× the time with every batch synced before it counts`,
  };
  return [on, off, ratio, ...(await largeGraphRows())];
}
