/**
 * `/healthz` latency while 200 `/pagerank` requests hit the playground at once, in one process as
 * `serve` runs them: once with the playground's busy queue (2 running, 16 waiting, the rest told "busy")
 * and once with the queue opened wide, which is how the server behaved before it had one.
 */
import { request } from 'node:http';
import { loadConfig } from '../src/config.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { silentLogger } from '../src/logging.js';
import { startOpsServer } from '../src/observability/ops-server.js';
import { InMemoryIngestActivity } from '../src/playground/ingest-activity.js';
import { startPlayground } from '../src/playground/playground-server.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import type { BenchRow } from './bench-kit.js';
import { percentile, round } from './bench-kit.js';

const FLOOD = 200;
const DEMO = demoDatasetDir();

function send(url: string, body?: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const req = request(
      url,
      { method: body === undefined ? 'GET' : 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
      },
    );
    req.setTimeout(30_000, () => req.destroy());
    req.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

async function flood(graph: EmbeddedGraphStore, concurrency: { running: number; waiting: number }) {
  const config = loadConfig({ env: { HTTP_PORT: '0' }, dotenv: false });
  const playground = await startPlayground({
    config,
    graph,
    activity: new InMemoryIngestActivity(),
    logger: silentLogger,
    concurrency,
  });
  const ops = await startOpsServer({
    host: '127.0.0.1',
    port: 0,
    role: 'bench',
    checks: [],
    logger: silentLogger,
  });
  try {
    // Warm: the first picture loads the font and compiles the layout code.
    await send(new URL('/api/run', playground.url).href, JSON.stringify({ line: '/pagerank 50' }));
    const started = performance.now();
    const runs = Array.from({ length: FLOOD }, () =>
      send(new URL('/api/run', playground.url).href, JSON.stringify({ line: '/pagerank 50' })),
    );
    let finished = false;
    const all = Promise.all(runs).finally(() => (finished = true));
    const health: number[] = [];
    let peakRss = 0;
    while (!finished) {
      health.push((await send(`${ops.url}/healthz`)).ms);
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await all;
    const floodMs = performance.now() - started;
    health.sort((a, b) => a - b);
    const count = (status: number) => answers.filter((a) => a.status === status).length;
    return {
      health,
      floodMs,
      peakRssMiB: Math.round(peakRss / 1024 ** 2),
      ok: count(200),
      busy: count(503),
      other: FLOOD - count(200) - count(503),
    };
  } finally {
    await playground.close();
    await ops.close();
  }
}

export async function benchHealthzFlood(): Promise<BenchRow[]> {
  const graph = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(DEMO, graph);
  const rows: BenchRow[] = [];
  for (const [label, concurrency] of [
    ['busy queue (2 running, 16 waiting)', { running: 2, waiting: 16 }],
    ['no limit (as before)', { running: FLOOD, waiting: 0 }],
  ] as const) {
    const r = await flood(graph, concurrency);
    rows.push({
      name: `/healthz during ${FLOOD} × /pagerank 50, ${label}`,
      median_ms: round(percentile(r.health, 50)),
      p95_ms: round(percentile(r.health, 95)),
      runs: r.health.length,
      note: `max ${round(r.health[r.health.length - 1] ?? NaN)} ms; flood ${Math.round(r.floodMs)} ms: ${r.ok} answered, ${r.busy} busy, ${r.other} other (no answer in 30 s); peak RSS ${r.peakRssMiB} MiB`,
    });
  }
  await graph.close();
  return rows;
}
