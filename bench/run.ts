/**
 * `npm run bench [-- name…]`: run the benchmarks, print a table, write bench/results/<suite>.json, and
 * rebuild docs/BENCHMARKS.md from every suite's latest results. Suites are listed here; each lives in its
 * own bench/<suite>.bench.ts.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { BenchRow, SuiteOutput } from './bench-kit.js';

type Suite = () => Promise<BenchRow[] | SuiteOutput>;

const SUITES: Record<string, () => Promise<Suite>> = {
  foundation: async () => (await import('./foundation.bench.js')).benchFoundation,
  algorithms: async () => (await import('./algorithms.bench.js')).benchAlgorithms,
  discord: async () => (await import('./discord.bench.js')).benchDiscord,
  'discord-http': async () => (await import('./discord-http.bench.js')).benchDiscordHttp,
  render: async () => (await import('./render.bench.js')).benchRender,
  pipeline: async () => (await import('./pipeline.bench.js')).benchPipeline,
  bolt: async () => (await import('./bolt.bench.js')).benchBolt,
  'pipeline-bolt': async () => (await import('./pipeline-bolt.bench.js')).benchPipelineBolt,
  twitch: async () => (await import('./twitch.bench.js')).benchTwitch,
  durability: async () => (await import('./durability.bench.js')).benchDurability,
  'healthz-flood': async () => (await import('./healthz-flood.bench.js')).benchHealthzFlood,
  communities: async () => (await import('./communities.bench.js')).benchCommunities,
  alerts: async () => (await import('./alerts.bench.js')).benchAlerts,
  scale: async () => (await import('./scale.bench.js')).benchScale,
  igraph: async () => (await import('./igraph.bench.js')).benchIgraph,
};

function table(rows: readonly BenchRow[]): string {
  const header = ['benchmark', 'median ms', 'p95 ms', 'runs', 'note'];
  const cells = rows.map((r) => [
    r.name,
    r.median_ms.toFixed(2),
    r.p95_ms.toFixed(2),
    String(r.runs),
    r.note ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]) =>
    c.map((v, i) => (i >= 1 && i <= 3 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(SUITES);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 1024 ** 3)} GiB, node ${process.version}`;
console.log(`machine: ${machine}`);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
for (const name of names) {
  const load = SUITES[name];
  if (load === undefined) {
    console.error(`unknown benchmark suite "${name}"; suites: ${Object.keys(SUITES).join(', ')}`);
    process.exitCode = 2;
    continue;
  }
  console.log(`\n## ${name}`);
  const output = await (await load())();
  const { rows, markdown } = Array.isArray(output) ? { rows: output, markdown: undefined } : output;
  console.log(table(rows));
  await writeFile(
    new URL(`./results/${name}.json`, import.meta.url),
    `${JSON.stringify({ suite: name, machine, date: new Date().toISOString(), rows, markdown }, null, 2)}\n`,
  );
}

interface SuiteResult {
  suite: string;
  machine: string;
  date: string;
  rows: BenchRow[];
  /** Text a suite writes below its table (side-by-side tables, a chart). */
  markdown?: string;
}

function markdownTable(rows: readonly BenchRow[]): string {
  const escape = (text: string) => text.replace(/\|/g, '\\|');
  return [
    '| benchmark | median ms | p95 ms | runs | note |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${escape(r.name)} | ${r.median_ms.toFixed(2)} | ${r.p95_ms.toFixed(2)} | ${r.runs} | ${escape(r.note ?? '')} |`,
    ),
  ].join('\n');
}

const resultsDir = new URL('./results/', import.meta.url);
const results: SuiteResult[] = [];
for (const file of (await readdir(resultsDir)).filter((f) => f.endsWith('.json')).sort()) {
  results.push(JSON.parse(await readFile(new URL(file, resultsDir), 'utf8')) as SuiteResult);
}
const order = Object.keys(SUITES);
results.sort((a, b) => order.indexOf(a.suite) - order.indexOf(b.suite));

/**
 * The suites' sections as docs/BENCHMARKS.md has them now. Results files are not committed, so a suite
 * not run on this machine keeps its section from the document instead of disappearing from it.
 */
async function sectionsInDoc(): Promise<Map<string, string>> {
  const sections = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(new URL('../docs/BENCHMARKS.md', import.meta.url), 'utf8');
  } catch {
    return sections;
  }
  for (const part of text.split(/^(?=## )/m).slice(1)) {
    const name = /^## (\S+)/.exec(part)?.[1];
    if (name !== undefined) sections.set(name, part.trimEnd());
  }
  return sections;
}

const sections = await sectionsInDoc();
for (const r of results) {
  sections.set(
    r.suite,
    [
      `## ${r.suite}`,
      '',
      `${r.date.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}`,
      '',
      markdownTable(r.rows),
      ...(r.markdown === undefined ? [] : ['', r.markdown.trimEnd()]),
    ].join('\n'),
  );
}
const rank = (suite: string) => (order.includes(suite) ? order.indexOf(suite) : order.length);
const doc = [
  '# Benchmarks',
  '',
  'Written by `npm run bench` (all suites) or `npm run bench -- <suite>` (one suite; the others keep their',
  'last results). Each suite says when and where it ran. Timings are wall-clock milliseconds; "runs" is how',
  'many measured repetitions the median and p95 come from.',
  '',
  ...[...sections.entries()].sort(([a], [b]) => rank(a) - rank(b)).flatMap(([, section]) => [section, '']),
].join('\n');
await mkdir(new URL('../docs/', import.meta.url), { recursive: true });
await writeFile(new URL('../docs/BENCHMARKS.md', import.meta.url), doc);
console.log('\nwrote docs/BENCHMARKS.md');
