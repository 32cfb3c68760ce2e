/**
 * Durability figures for the embedded store:
 *
 * - in-process bus → embedded store on disk, live chat, with the journal (every batch synced before it
 *   counts) and without it (snapshots only), measured alternately in one run, and their ratio; an
 *   in-memory store as the floor;
 * - at one million CHATTER relationships (the generated graph of the foundation suite): the time to write
 *   a snapshot (serialise, write, sync, rename), to open from that snapshot, and to open after a crash that
 *   left only the journal (every import batch replayed).
 *
 * Runs in a temporary directory under the OS temp folder (the disk the data would live on here).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDataset } from '../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { listSegments } from '../src/graph/embedded/journal.js';
import { serializeSnapshot, writeSnapshotFile } from '../src/graph/embedded/snapshot.js';
import { MemoryEventBus } from '../src/ingest/bus/memory-bus.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import type { BenchRow } from './bench-kit.js';
import { measureWithCpu, round, rssMiB } from './bench-kit.js';
import { EVENTS, ingest, liveChat } from './pipeline.bench.js';

const perSecond = (ms: number) => Math.round((EVENTS / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');
/** CPU time next to wall time: on a shared machine the wall time says as much about the neighbours. */
const cpuNote = (cpuMs: number) => {
  const [one] = loadavg();
  return `${fmt(Math.round(cpuMs))} ms CPU (load average ${one?.toFixed(1) ?? '?'} on ${cpus().length} cores)`;
};

type Mode = 'journal' | 'no journal' | 'in memory';

async function ingestRows(): Promise<BenchRow[]> {
  const { stream } = liveChat(EVENTS);
  const root = await mkdtemp(join(tmpdir(), 'twitchgraph-bench-durability-'));
  const times: Record<Mode, number[]> = { journal: [], 'no journal': [], 'in memory': [] };
  const cpu: Record<Mode, number[]> = { journal: [], 'no journal': [], 'in memory': [] };
  const journalBytes: number[] = [];
  try {
    const runOnce = async (mode: Mode, run: number) => {
      const dataDir = join(root, `${mode.replace(' ', '-')}-${run}`);
      const store =
        mode === 'in memory'
          ? EmbeddedGraphStore.inMemory()
          : await EmbeddedGraphStore.open({
              dataDir,
              journal: mode === 'journal',
              // Snapshots are measured on their own below; here the write path alone.
              snapshotMinIntervalMs: 3_600_000,
            });
      const bus = new MemoryEventBus({ capacity: 100_000, keepLatestOnly: ['chatters.dlq'] });
      const { row, cpuMs } = await measureWithCpu(
        mode,
        async () => {
          const publisher = await bus.publisher();
          const consuming = ingest(
            bus,
            { topic: 'chatters', group: 'bench' },
            EVENTS,
            5_000,
            undefined,
            undefined,
            store,
          );
          await publisher.publish('chatters', stream);
          await consuming;
        },
        { runs: 1, warmup: 0 },
      );
      await bus.close();
      times[mode].push(row.median_ms);
      cpu[mode].push(cpuMs);
      if (mode === 'journal') {
        let bytes = 0;
        for (const segment of await listSegments(dataDir)) bytes += (await stat(segment.file)).size;
        journalBytes.push(bytes);
      }
      if (mode !== 'in memory') {
        // Not counted: the snapshot written on close.
        await store.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    };
    // Alternated, so a change in the machine's load falls on every mode alike.
    for (let run = 0; run < 5; run += 1) {
      for (const mode of ['journal', 'no journal', 'in memory'] as const) await runOnce(mode, run);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  const p95 = (xs: number[]) => Math.max(...xs);
  const rows = (['journal', 'no journal', 'in memory'] as const).map((mode) => ({
    name: `in-process bus → embedded store, live chat, ${fmt(EVENTS)} events, ${mode}`,
    median_ms: round(median(times[mode])),
    p95_ms: round(p95(times[mode])),
    runs: times[mode].length,
    note:
      `${fmt(perSecond(median(times[mode])))} events/s (goal ≥ 100,000), ${fmt(perSecond(median(cpu[mode])))} per CPU-second` +
      (mode === 'journal'
        ? `; journal ${fmt(Math.round(median(journalBytes) / 1024))} KiB, 40 batches of 5,000`
        : ''),
  }));
  const ratio = median(times.journal) / median(times['no journal']);
  rows.push({
    name: 'journal on / off, same run',
    median_ms: 0,
    p95_ms: 0,
    runs: times.journal.length,
    note: `the journal takes ${ratio.toFixed(2)}× the time without it (${fmt(perSecond(median(times.journal)))} vs ${fmt(perSecond(median(times['no journal'])))} events/s)`,
  });
  return rows;
}

async function millionRows(): Promise<BenchRow[]> {
  const generated = join(process.cwd(), '.cache', 'bench', 'generated-1m-seed1');
  if (!existsSync(join(generated, 'chatters.csv'))) {
    await generateDataset(generated, { streamers: 2_000, chatterEdges: 1_000_000, seed: 1, bots: 8 });
  }
  const root = await mkdtemp(join(tmpdir(), 'twitchgraph-bench-recovery-'));
  const rows: BenchRow[] = [];
  try {
    // An import that "crashes" before any snapshot: the store is never closed, so only the journal holds it.
    const crashed = join(root, 'crashed');
    let writer: EmbeddedGraphStore | undefined = await EmbeddedGraphStore.open({
      dataDir: crashed,
      snapshotMinIntervalMs: 3_600_000,
    });
    const started = performance.now();
    const summary = await importSeedDirectory(generated, writer, { batchSize: 20_000 });
    const importMs = performance.now() - started;
    const counts = await writer.counts();
    const size = `${fmt(counts.nodes)} nodes, ${fmt(counts.relationships)} relationships`;
    rows.push({
      name: 'import 1M generated graph, journal on (each batch synced)',
      median_ms: round(importMs),
      p95_ms: round(importMs),
      runs: 1,
      note: `${fmt(summary.read)} rows → ${size}`,
    });

    const snapshotFile = join(root, 'snapshot', 'graph.ndjson');
    const model = writer.graph;
    const snapshot = await measureWithCpu(
      'snapshot at 1M relationships (serialise, write, fsync, rename)',
      () => writeSnapshotFile(snapshotFile, serializeSnapshot(model, 0)),
      { runs: 3, warmup: 0 },
    );
    const snapshotSize = (await stat(snapshotFile)).size;
    snapshot.row.note = `${fmt(Math.round(snapshotSize / 1024 ** 2))} MiB; ${size}; ${cpuNote(snapshot.cpuMs)}`;
    rows.push(snapshot.row);
    writer = undefined; // dropped without closing: the crash

    let journalSize = 0;
    for (const segment of await listSegments(crashed)) journalSize += (await stat(segment.file)).size;
    const reopen = (dataDir: string) => async () => {
      const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
      await store.close();
    };
    const fromJournal = await measureWithCpu(
      'recovery at 1M relationships: open after a crash before any snapshot (journal replayed)',
      reopen(crashed),
      { runs: 2, warmup: 0 },
    );
    fromJournal.row.note = `journal ${fmt(Math.round(journalSize / 1024 ** 2))} MiB; ${cpuNote(fromJournal.cpuMs)}`;
    rows.push(fromJournal.row);
    const fromSnapshot = await measureWithCpu(
      'recovery at 1M relationships: open from the snapshot (nothing to replay)',
      reopen(join(root, 'snapshot')),
      { runs: 2, warmup: 0 },
    );
    fromSnapshot.row.note = `${cpuNote(fromSnapshot.cpuMs)}; RSS now ${rssMiB()} MiB`;
    rows.push(fromSnapshot.row);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return rows;
}

export async function benchDurability(): Promise<BenchRow[]> {
  return [...(await ingestRows()), ...(await millionRows())];
}
