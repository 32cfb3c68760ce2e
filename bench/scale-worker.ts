/**
 * One size of the scale benchmark (bench/scale.bench.ts), in a child process of its own so that a size
 * that runs out of memory ends this process and not the benchmark: generate the dataset if it is not
 * cached, import it into an in-memory embedded store, then time every command, text only and with
 * pictures. Stages go to a progress file as JSON lines (the parent reports the last one when this process
 * dies); the figures go to the result file at the end.
 *
 * Usage: node --max-old-space-size=<MiB> --import tsx bench/scale-worker.ts <job.json>
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseCommandLine } from '../src/commands/command-line.js';
import { dispatch } from '../src/commands/dispatcher.js';
import { buildRegistry } from '../src/commands/registry.js';
import { generateDataset } from '../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { drawPicturesOnDemand } from '../src/render/picture-drawer.js';
import { percentile, round } from './bench-kit.js';
import type { CommandFigure, ScaleJob, ScaleResult } from './scale-shared.js';
import { SCALE_COMMANDS } from './scale-shared.js';

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);
/**
 * A full collection before a resident-set figure, twice: V8 frees the memory of dead ArrayBuffers (an
 * import's spent buffers and outgrown columns, 40-110 MiB at 1M) on a background thread after a collection,
 * and the second one waits for that, so the figure is what the process keeps, not garbage on its way out.
 */
const settle = () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
};
let peakRss = 0;
function rss(): number {
  const now = mib(process.memoryUsage().rss);
  peakRss = Math.max(peakRss, now);
  return now;
}

async function main(): Promise<void> {
  const jobFile = process.argv[2];
  if (jobFile === undefined) throw new Error('usage: scale-worker.ts <job.json>');
  const job = JSON.parse(readFileSync(jobFile, 'utf8')) as ScaleJob;
  let current = 'start';
  let currentLine: unknown;
  const stage = (what: string, extra: Record<string, unknown> = {}) => {
    current = what;
    currentLine = extra.line;
    return appendFile(
      job.progressFile,
      `${JSON.stringify({ stage: what, rssMiB: rss(), peakRssMiB: peakRss, at: Date.now(), ...extra })}\n`,
    );
  };

  // A ceiling check between import batches (the import awaits per batch, so the timer gets its turn).
  let rowsSoFar = 0;
  let fileSoFar = '';
  const watch = setInterval(() => {
    if (rss() > job.rssCeilingMiB) {
      const line = JSON.stringify({
        stage: 'ceiling',
        during: current,
        line: currentLine,
        file: current === 'import' ? fileSoFar : undefined,
        rssMiB: rss(),
        peakRssMiB: peakRss,
        rows: rowsSoFar,
        at: Date.now(),
      });
      // Synchronous on purpose: the process ends on the next line.
      appendFileSync(job.progressFile, `${line}\n`);
      process.exit(3);
    }
  }, 250);
  watch.unref();

  let generateMs: number | null = null;
  if (!existsSync(join(job.datasetDir, 'chatters.csv'))) {
    await stage('generate');
    const started = performance.now();
    await generateDataset(job.datasetDir, {
      streamers: job.streamers,
      chatterEdges: job.size,
      seed: 1,
      bots: 8,
    });
    generateMs = performance.now() - started;
  }

  await stage('import');
  const store = EmbeddedGraphStore.inMemory();
  settle();
  const rssBeforeMiB = rss();
  const importLoad = loadavg()[0] ?? 0;
  const started = performance.now();
  const summary = await importSeedDirectory(job.datasetDir, store, {
    batchSize: 20_000,
    progressIntervalMs: 2_000,
    onProgress: (p) => {
      rowsSoFar = p.rows;
      fileSoFar = basename(p.file);
      void stage('import', { file: p.file, rows: p.rows });
    },
  });
  const importMs = performance.now() - started;
  settle();
  const rssAfterImportMiB = rss();
  const heapAfterImportMiB = mib(process.memoryUsage().heapUsed);
  const counts = await store.counts();
  await stage('imported', { importMs, nodes: counts.nodes, relationships: counts.relationships });

  const [top] = await store.topStreamers('followers', 1);
  const commands: CommandFigure[] = [];
  for (const command of SCALE_COMMANDS) {
    const line = command.line.replace('{top}', top?.login ?? 'nobody');
    const variants = command.pictures ? [false, true] : [false];
    for (const pictures of variants) {
      await stage('command', { line, pictures });
      commands.push(
        await timeCommand(
          store,
          line,
          command.line,
          pictures,
          command.heavy === true ? job.heavyRuns : job.runs,
          job.commandBudgetMs,
        ),
      );
    }
  }
  const result: ScaleResult = {
    size: job.size,
    topLogin: top?.login ?? 'nobody',
    rows: summary.read,
    nodes: counts.nodes,
    relationships: counts.relationships,
    generateMs,
    importMs,
    rssBeforeMiB,
    rssAfterImportMiB,
    heapAfterImportMiB,
    rssAfterCommandsMiB: rss(),
    peakRssMiB: peakRss,
    importLoad,
    commands,
  };
  await writeFile(job.resultFile, `${JSON.stringify(result)}\n`);
  await stage('done');
}

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

/**
 * Time one command: a first (cold) run, reported apart, then up to `runs` measured runs while their total
 * stays within `budgetMs` (at least one).
 */
async function timeCommand(
  graph: GraphStore,
  line: string,
  key: string,
  pictures: boolean,
  runs: number,
  budgetMs: number,
): Promise<CommandFigure> {
  const once = async () => {
    const started = performance.now();
    const result = await dispatch(parseCommandLine(line, definitions), registry, { graph, pictures });
    if (result.outcome !== 'ok')
      throw new Error(`${line}: ${result.outcome} ${result.reply.description ?? ''}`);
    // Commands return pictures as data; a front end that shows them draws them, so the figure does too, with
    // the drawer the front ends use: it loads the renderer on the first picture, so the RSS before and after
    // the import is the process's own, as in `start` and `ask` (the renderer costs about 18 MiB).
    if (pictures) await drawPicturesOnDemand(result.reply);
    return performance.now() - started;
  };
  const load = loadavg()[0] ?? 0;
  // The first run builds what the store keeps until the next write (name order, shared-audience graph,
  // projection): it is reported as "first run" and does not use up the budget of the measured runs, so a
  // command whose first run is slow still gets a steady p95 (at least one measured run is always made).
  const firstMs = await once();
  const times: number[] = [];
  let spent = 0;
  while (times.length < runs && (times.length === 0 || spent < budgetMs)) {
    const ms = await once();
    times.push(ms);
    spent += ms;
  }
  times.sort((a, b) => a - b);
  return {
    line,
    key,
    pictures,
    firstMs: round(firstMs),
    p50Ms: round(percentile(times, 50)),
    p95Ms: round(percentile(times, 95)),
    runs: times.length,
    load: Math.round(load * 100) / 100,
  };
}

await main();
