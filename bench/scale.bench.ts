/**
 * Speed and memory by graph size (issue 19): for each size of generated graph (CHATTER relationships,
 * SCALE_SIZES, default 100k,1M,10M) a child process (bench/scale-worker.ts) imports it into the embedded
 * store and times every command, text only and with pictures; then `twitchgraph ask` is timed cold, one
 * new process per question, on a store of SCALE_ASK_SIZE relationships written by `twitchgraph import`, and
 * again with `twitchgraph start` running on that store (rows "via the running start"; start replays nothing
 * into a store it did not import, so the graph stays the same during the timing).
 * Writes the sizes side by side below the rows and draws the curve into docs/scale-curve.png.
 *
 * Bounded: each size runs under --max-old-space-size, a resident-set ceiling and a wall-clock timeout; a
 * size that does not finish is reported as "not reached: …" with the stage it died in, and the others
 * still report. Environment (all optional):
 *   SCALE_SIZES              sizes, e.g. "100k,1M" for a quick run (default 100k,1M,10M)
 *   SCALE_MAX_OLD_SPACE_MIB  V8 heap limit of a size's process (default 8192)
 *   SCALE_RSS_CEILING_MIB    resident-set ceiling of a size's process (default 8192: the issue's 8 GiB)
 *   SCALE_TIMEOUT_S          wall-clock limit per size (default 300 s per 1M relationships, at least 900 s)
 *   SCALE_RUNS, SCALE_HEAVY_RUNS  measured runs of a quick command and of an algorithm (default 20 and 3)
 *   SCALE_COMMAND_BUDGET_MS  no more runs of one command after this much time (default 20,000)
 *   SCALE_ASK_SIZE           size of the store `ask` is timed on ("0" skips; default 1M)
 *   SCALE_ASK_RUNS           `ask` processes per question, cold and via start (default 3)
 *   SCALE_ASK_BARE_RUNS      `ask` processes per question with graph.derived removed first (default 1)
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderLineChart } from '../src/render/line-chart.js';
import type { BenchRow, SuiteOutput } from './bench-kit.js';
import { percentile, round } from './bench-kit.js';
import type { CommandFigure, ScaleJob, ScaleResult } from './scale-shared.js';
import { SCALE_COMMANDS } from './scale-shared.js';

const root = new URL('..', import.meta.url).pathname;

/** "100k" → 100,000; "1M" → 1,000,000; "2500000" → 2,500,000. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(text);
  if (match === null) throw new Error(`SCALE_SIZES: "${text}" is not a size like 100k, 1M or 250000`);
  const unit = match[2]?.toLowerCase() === 'k' ? 1e3 : match[2]?.toLowerCase() === 'm' ? 1e6 : 1;
  return Math.round(Number(match[1]) * unit);
}

export function sizeLabel(size: number): string {
  if (size >= 1e6 && size % 1e5 === 0) return `${size / 1e6}M`;
  if (size >= 1e3 && size % 100 === 0) return `${size / 1e3}k`;
  return String(size);
}

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name}: expected a number, got "${raw}"`);
  return value;
}

/** Channels in a generated graph of `size` relationships: the foundation bench's 2,000 at 1M. */
function streamersFor(size: number): number {
  return Math.min(5_000, Math.max(200, Math.round(size / 500)));
}

function datasetDir(size: number): string {
  // The same directory as bench/foundation.bench.ts at 1M, so both reuse one generated copy.
  const name = size === 1_000_000 ? 'generated-1m-seed1' : `generated-${sizeLabel(size).toLowerCase()}-seed1`;
  return join(root, '.cache', 'bench', name);
}

const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stderr: string;
  ms: number;
}

/** Run a child with a wall-clock limit; its stderr is kept (the tail) for the report. */
function runChild(
  command: string,
  args: readonly string[],
  options: { timeoutMs: number; env?: NodeJS.ProcessEnv; stdout?: (text: string) => void },
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: root,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => options.stdout?.(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timedOut, stderr, ms: performance.now() - started });
    });
  });
}

interface ProgressLine {
  stage: string;
  /** On the ceiling line: the stage it was reached in. */
  during?: string;
  rssMiB: number;
  peakRssMiB: number;
  rows?: number;
  line?: string;
  file?: string;
}

function lastProgress(file: string): ProgressLine | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  const last = lines.at(-1);
  return last === undefined ? undefined : (JSON.parse(last) as ProgressLine);
}

/** Why a size's process ended without figures, in one line. */
function notReached(
  outcome: ChildOutcome,
  progress: ProgressLine | undefined,
  job: ScaleJob,
  heapMiB: number,
): string {
  const stage = progress?.stage === 'ceiling' ? progress.during : progress?.stage;
  const where =
    progress === undefined
      ? 'before it started'
      : `during ${stage ?? '?'}${progress.file === undefined || progress.file === '' ? '' : ` of ${progress.file}`}${progress.rows === undefined ? '' : ` at ${progress.rows.toLocaleString('en-US')} rows`}${progress.line === undefined ? '' : ` (${progress.line})`}, RSS ${progress.rssMiB} MiB, peak ${progress.peakRssMiB} MiB`;
  if (progress?.stage === 'ceiling')
    return `not reached: RSS passed the ${job.rssCeilingMiB} MiB ceiling ${where}`;
  if (outcome.timedOut) return `not reached: over the ${Math.round(outcome.ms / 1000)} s limit ${where}`;
  const oom = /heap out of memory|Allocation failed/i.test(outcome.stderr);
  if (oom) return `not reached: V8 heap limit (--max-old-space-size=${heapMiB}) exceeded ${where}`;
  const lastLine = outcome.stderr.trim().split('\n').at(-1) ?? '';
  return `not reached: exit ${outcome.code ?? outcome.signal ?? '?'} ${where}${lastLine === '' ? '' : `: ${lastLine.slice(0, 200)}`}`;
}

async function measureSize(size: number, work: string): Promise<ScaleResult | string> {
  const heapMiB = envNumber('SCALE_MAX_OLD_SPACE_MIB', 8192);
  const job: ScaleJob = {
    size,
    streamers: streamersFor(size),
    datasetDir: datasetDir(size),
    progressFile: join(work, `progress-${size}.jsonl`),
    resultFile: join(work, `result-${size}.json`),
    rssCeilingMiB: envNumber('SCALE_RSS_CEILING_MIB', 8192),
    runs: envNumber('SCALE_RUNS', 20),
    heavyRuns: envNumber('SCALE_HEAVY_RUNS', 3),
    commandBudgetMs: envNumber('SCALE_COMMAND_BUDGET_MS', 20_000),
  };
  const jobFile = join(work, `job-${size}.json`);
  await writeFile(jobFile, JSON.stringify(job));
  const timeoutMs = 1000 * envNumber('SCALE_TIMEOUT_S', Math.max(900, (300 * size) / 1e6));
  console.log(`scale: ${sizeLabel(size)} relationships (load ${load1()})…`);
  const outcome = await runChild(
    process.execPath,
    [
      `--max-old-space-size=${heapMiB}`,
      '--expose-gc',
      '--import',
      'tsx',
      join(root, 'bench', 'scale-worker.ts'),
      jobFile,
    ],
    { timeoutMs },
  );
  if (outcome.code === 0 && existsSync(job.resultFile))
    return JSON.parse(readFileSync(job.resultFile, 'utf8')) as ScaleResult;
  return notReached(outcome, lastProgress(job.progressFile), job, heapMiB);
}

interface AskFigure {
  line: string;
  /** The command as listed in SCALE_COMMANDS ({top} for the channel). */
  key: string;
  p50Ms: number;
  p95Ms: number;
  runs: number;
  load: number;
  /** A new process reading the store, or the question sent to a running `start`. */
  via: AskVia;
  failed?: string;
}

/**
 * How the `ask` process got its answer: `cold` reads the store `import` wrote (with the whole-graph results
 * it kept, graph.derived); `bare` reads it with graph.derived removed before each run (the first question
 * after a change computes them); `start` asks the running start.
 */
type AskVia = 'cold' | 'bare' | 'start';

/**
 * `twitchgraph ask` as a user runs it (bin/twitchgraph.js on the compiled dist/, a new process per
 * question, the store written by `twitchgraph import`), wall time from spawn to exit.
 */
async function measureAsk(
  size: number,
  topLogin: string,
  work: string,
): Promise<{ figures: AskFigure[]; setup: string } | string> {
  const build = await runChild('npx', ['tsc', '-p', 'tsconfig.build.json'], { timeoutMs: 600_000 });
  if (build.code !== 0)
    return `not reached: npm run build failed: ${build.stderr.trim().split('\n').at(-1) ?? ''}`;
  const dataDir = join(work, 'ask-store');
  const env = { ...process.env, TWITCHGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const imported = await runChild(
    process.execPath,
    ['bin/twitchgraph.js', 'import', '--data', datasetDir(size)],
    {
      timeoutMs: 1_800_000,
      env,
    },
  );
  if (imported.code !== 0)
    return `not reached: twitchgraph import exited ${imported.code ?? imported.signal ?? '?'}: ${imported.stderr.trim().split('\n').at(-1) ?? ''}`;
  const runs = envNumber('SCALE_ASK_RUNS', 3);
  // Every command of the in-process table, so the two can be read side by side.
  const questions = SCALE_COMMANDS.map(({ line: key }) => ({ key, line: key.replace('{top}', topLogin) }));
  const figures = await timeAsks(questions, runs, env, 'cold');
  const viaStart = await withRunningStart(env, () =>
    timeAsks(questions, runs, { ...env, LOG_LEVEL: 'debug' }, 'start'),
  );
  // Last: each bare run leaves a graph.derived holding only its own question's results.
  const bare = await timeAsks(questions, envNumber('SCALE_ASK_BARE_RUNS', 1), env, 'bare', () =>
    rm(join(dataDir, 'graph.derived'), { force: true }),
  );
  figures.push(...bare);
  const setup = `import through the CLI took ${(imported.ms / 1000).toFixed(1)} s (the whole-graph results it computes and keeps for \`ask\` included)`;
  if (typeof viaStart === 'string')
    return {
      figures: [
        ...figures,
        ...questions.map(({ line, key }) => ({
          line,
          key,
          p50Ms: NaN,
          p95Ms: NaN,
          runs: 0,
          load: load1(),
          via: 'start' as const,
          failed: viaStart,
        })),
      ],
      setup,
    };
  return { figures: [...figures, ...viaStart.result], setup: `${setup}; ${viaStart.note}` };
}

/** Each question `runs` times, a new `ask` process each; `via: 'start'` also checks start answered it. */
async function timeAsks(
  questions: readonly { line: string; key: string }[],
  runs: number,
  env: NodeJS.ProcessEnv,
  via: AskVia,
  beforeEach?: () => Promise<void>,
): Promise<AskFigure[]> {
  const figures: AskFigure[] = [];
  for (const { line, key } of questions) {
    const load = load1();
    const times: number[] = [];
    let failed: string | undefined;
    for (let i = 0; i < runs && failed === undefined; i += 1) {
      await beforeEach?.();
      const outcome = await runChild(process.execPath, ['bin/twitchgraph.js', 'ask', ...line.split(' ')], {
        timeoutMs: 120_000,
        env,
      });
      if (outcome.code !== 0)
        failed = outcome.timedOut
          ? 'over 120 s'
          : `exit ${outcome.code ?? outcome.signal ?? '?'}: ${outcome.stderr.trim().split('\n').at(-1) ?? ''}`;
      else if (via === 'start' && !outcome.stderr.includes('answered by the running start'))
        failed = `not answered by the running start: ${outcome.stderr.trim().split('\n').at(-1) ?? ''}`;
      else times.push(outcome.ms);
    }
    times.sort((a, b) => a - b);
    figures.push({
      line,
      key,
      p50Ms: round(percentile(times, 50)),
      p95Ms: round(percentile(times, 95)),
      runs: times.length,
      load,
      via,
      ...(failed === undefined ? {} : { failed }),
    });
  }
  return figures;
}

/**
 * `twitchgraph start` on the store `import` wrote: it holds data start did not import, so start replays
 * nothing into it and the graph stays as the cold asks saw it. Stopped with SIGINT (SIGKILL after 120 s).
 */
async function withRunningStart<T>(
  env: NodeJS.ProcessEnv,
  measure: () => Promise<T>,
): Promise<{ result: T; note: string } | string> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/twitchgraph.js', 'start', '--rate', '1'], {
    cwd: root,
    env: { ...env, HTTP_PORT: '0', OPS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-8_000)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => {
      const check = setInterval(() => {
        if (output.includes('twitchgraph is running')) {
          clearInterval(check);
          resolve(true);
        }
      }, 100);
      void exited.then(() => {
        clearInterval(check);
        resolve(false);
      });
    }),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 300_000).unref()),
  ]);
  const readyMs = performance.now() - started;
  if (!ready) {
    await stop();
    return `not reached: twitchgraph start did not come up: ${output.trim().split('\n').at(-1) ?? ''}`;
  }
  if (output.includes('replaying ')) {
    await stop();
    return 'not reached: twitchgraph start replays into this store, which would change it during the timing';
  }
  try {
    return { result: await measure(), note: `start was ready ${(readyMs / 1000).toFixed(1)} s after spawn` };
  } finally {
    const code = await stop();
    if (code !== 0)
      console.error(`twitchgraph start exited ${String(code)}: ${output.trim().split('\n').at(-1) ?? ''}`);
  }
}

function commandName(c: CommandFigure, size: number): string {
  return `${c.line} (${sizeLabel(size)} edges, ${c.pictures ? 'with pictures' : 'text only'})`;
}

/** Sizes side by side: one row per command and variant, "p50 / p95" per size. */
function sideBySide(sizes: readonly number[], results: ReadonlyMap<number, ScaleResult | string>): string {
  const cell = (size: number, pick: (r: ScaleResult) => string) => {
    const r = results.get(size);
    return r === undefined ? '' : typeof r === 'string' ? 'not reached' : pick(r);
  };
  const header = `| | ${sizes.map((s) => `${sizeLabel(s)} relationships`).join(' | ')} |`;
  const rule = `| --- | ${sizes.map(() => '---:').join(' | ')} |`;
  const lines = [header, rule];
  const row = (label: string, pick: (r: ScaleResult) => string) =>
    lines.push(`| ${label.replace(/\|/g, '\\|')} | ${sizes.map((s) => cell(s, pick)).join(' | ')} |`);
  row(
    'nodes / relationships',
    (r) => `${r.nodes.toLocaleString('en-US')} / ${r.relationships.toLocaleString('en-US')}`,
  );
  row('import (ms)', (r) => `${Math.round(r.importMs).toLocaleString('en-US')}`);
  row(
    'RSS after import (MiB)',
    (r) =>
      `${r.rssAfterImportMiB - 0} (${Math.round(((r.rssAfterImportMiB - r.rssBeforeMiB) * 1024 * 1024) / r.relationships)} B/rel over the empty process's ${r.rssBeforeMiB})`,
  );
  row('heap after import (MiB)', (r) => String(r.heapAfterImportMiB));
  row('peak RSS (MiB)', (r) => String(r.peakRssMiB));
  row('load average at import (1 min)', (r) => r.importLoad.toFixed(2));
  for (const command of SCALE_COMMANDS)
    for (const pictures of command.pictures ? [false, true] : [false]) {
      const label = `${command.line} ${pictures ? 'with pictures' : 'text only'}: p50 / p95 ms (load)`;
      row(label, (r) => {
        const c = r.commands.find((f) => f.key === command.line && f.pictures === pictures);
        return c === undefined ? '' : `${c.p50Ms.toFixed(1)} / ${c.p95Ms.toFixed(1)} (${c.load.toFixed(1)})`;
      });
    }
  return lines.join('\n');
}

const BEFORE = JSON.parse(readFileSync(join(root, 'bench', 'baselines', 'issue-19-before.json'), 'utf8')) as {
  source: string;
  import: { ms: number; rssBeforeMiB: number; rssAfterMiB: number };
  commands: { key: string; pictures: boolean; p50Ms: number; p95Ms: number }[];
  ask: { key: string; wallMs: number; note?: string }[];
};

const ms = (value: number) => (value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1));

/**
 * Every command at 1M: the figures issue 19 started from (bench/baselines/issue-19-before.json names where
 * they come from) beside this run's, in process and as `ask` wall time.
 */
function beforeAfter(result: ScaleResult | string | undefined, ask: readonly AskFigure[]): string {
  if (result === undefined || typeof result === 'string')
    return `Not measured: the 1M size ${result === undefined ? 'was not in SCALE_SIZES' : 'did not finish'}.`;
  const lines = [
    '| command at 1M | before p50 / p95 ms | now p50 / p95 ms | `ask` wall before ms | `ask` wall now, cold, p50 / p95 ms | `ask` wall now, via the running start, p50 / p95 ms | `ask` wall now, cold with nothing kept, ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| import (RSS after) | ${ms(BEFORE.import.ms)} (${BEFORE.import.rssAfterMiB} MiB) | ${ms(result.importMs)} (${result.rssAfterImportMiB} MiB) | | | | |`,
  ];
  for (const command of SCALE_COMMANDS)
    for (const pictures of command.pictures ? [false, true] : [false]) {
      const before = BEFORE.commands.find((c) => c.key === command.line && c.pictures === pictures);
      const now = result.commands.find((c) => c.key === command.line && c.pictures === pictures);
      const askBefore = pictures ? undefined : BEFORE.ask.find((a) => a.key === command.line);
      const askCell = (via: AskFigure['via']) => {
        const a = pictures ? undefined : ask.find((f) => f.key === command.line && f.via === via);
        if (a === undefined) return '';
        if (a.failed !== undefined) return a.failed;
        return via === 'bare' && a.runs === 1 ? ms(a.p50Ms) : `${ms(a.p50Ms)} / ${ms(a.p95Ms)}`;
      };
      lines.push(
        `| ${command.line} ${pictures ? 'with pictures' : 'text only'} | ${before === undefined ? '—' : `${ms(before.p50Ms)} / ${ms(before.p95Ms)}`} | ${now === undefined ? '—' : `${ms(now.p50Ms)} / ${ms(now.p95Ms)}`} | ${askBefore === undefined ? (pictures ? '' : '—') : `${ms(askBefore.wallMs)}${askBefore.note === undefined ? '' : ` (${askBefore.note})`}`} | ${askCell('cold')} | ${askCell('start')} | ${askCell('bare')} |`,
      );
    }
  lines.push(
    '',
    `Before: ${BEFORE.source}. "—": not measured then (the command did not exist, or was not in that suite).`,
    '"Cold": a new process reading the store `twitchgraph import` wrote, with the whole-graph results it kept (graph.derived). ' +
      '"Cold with nothing kept": graph.derived removed before each run, so the process computes what the question needs ' +
      '(as the first question after a change to the graph does).',
  );
  return lines.join('\n');
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

/** Each of issue 19's goals for the embedded store, with this run's figure and whether it is met. */
function goalsTable(
  results: ReadonlyMap<number, ScaleResult | string>,
  ask: readonly AskFigure[],
  askSize: number,
): string {
  const goals: Goal[] = [];
  const at = (size: number) => {
    const r = results.get(size);
    return r === undefined || typeof r === 'string' ? undefined : r;
  };
  const worst = (figures: readonly CommandFigure[]) =>
    figures.reduce<CommandFigure | undefined>(
      (w, c) => (w === undefined || c.p95Ms > w.p95Ms ? c : w),
      undefined,
    );
  const commandGoal = (goal: string, figures: readonly CommandFigure[], limitMs: number) => {
    const w = worst(figures);
    goals.push({
      goal,
      measured:
        w === undefined
          ? 'not measured'
          : `worst p95 ${ms(w.p95Ms)} ms (${w.key}${w.pictures ? ', with pictures' : ''})`,
      met: w === undefined ? null : w.p95Ms < limitMs,
    });
  };
  const m1 = at(1_000_000);
  const slow1M = new Set(['/vip-candidates {top}', '/overlap {top}']);
  commandGoal(
    '1M: every text answer p95 < 100 ms (besides the two below)',
    m1?.commands.filter((c) => !c.pictures && !slow1M.has(c.key)) ?? [],
    100,
  );
  commandGoal('1M: with pictures p95 < 400 ms', m1?.commands.filter((c) => c.pictures) ?? [], 400);
  commandGoal(
    '1M: /vip-candidates and /overlap p95 < 150 ms',
    m1?.commands.filter((c) => slow1M.has(c.key)) ?? [],
    150,
  );
  goals.push({
    goal: '1M: RSS after the import ≤ 400 MiB, all included',
    measured: m1 === undefined ? 'not measured' : `${m1.rssAfterImportMiB} MiB`,
    met: m1 === undefined ? null : m1.rssAfterImportMiB <= 400,
  });
  goals.push({
    goal: '1M: import < 8 s',
    measured: m1 === undefined ? 'not measured' : `${ms(m1.importMs)} ms`,
    met: m1 === undefined ? null : m1.importMs < 8_000,
  });
  const bare = ask
    .filter((a) => a.via === 'bare' && a.failed === undefined)
    .reduce<AskFigure | undefined>((w, a) => (w === undefined || a.p95Ms > w.p95Ms ? a : w), undefined);
  goals.push({
    goal: `${askSize === 0 ? '' : sizeLabel(askSize)}: slowest cold \`ask\` with nothing kept (no goal: the first question after a change computes the whole-graph results)`,
    measured: bare === undefined ? 'not measured' : `${ms(bare.p95Ms)} ms (${bare.key})`,
    met: null,
  });
  for (const via of ['cold', 'start'] as const) {
    const figures = ask.filter((a) => a.via === via);
    const slowestAsk = figures
      .filter((a) => a.failed === undefined)
      .reduce<AskFigure | undefined>((w, a) => (w === undefined || a.p95Ms > w.p95Ms ? a : w), undefined);
    const askFailed = figures.find((a) => a.failed !== undefined);
    goals.push({
      goal: `${askSize === 0 ? '' : sizeLabel(askSize)}: \`ask\` < 1 s wall, every command, ${via === 'cold' ? 'cold (no start running: the store opened read-only)' : 'a new ask process answered by the running start'} (the goal is at 1M)`,
      measured:
        askFailed !== undefined
          ? `${askFailed.key}: ${askFailed.failed}`
          : slowestAsk === undefined
            ? 'not measured'
            : `slowest p95 ${ms(slowestAsk.p95Ms)} ms (${slowestAsk.key})`,
      met: askFailed !== undefined ? false : slowestAsk === undefined ? null : slowestAsk.p95Ms < 1_000,
    });
  }
  const m10 = at(10_000_000);
  const r10 = results.get(10_000_000);
  goals.push({
    goal: '10M: import within 8 GiB RSS',
    measured:
      m10 === undefined
        ? typeof r10 === 'string'
          ? r10
          : 'not measured'
        : `peak ${m10.peakRssMiB} MiB, ${m10.rssAfterImportMiB} MiB after the import`,
    met: m10 === undefined ? (typeof r10 === 'string' ? false : null) : m10.peakRssMiB <= 8_192,
  });
  commandGoal(
    '10M: every command p95 < 1 s (besides /pagerank)',
    m10?.commands.filter((c) => c.key !== '/pagerank 50') ?? [],
    1_000,
  );
  commandGoal('10M: /pagerank < 5 s', m10?.commands.filter((c) => c.key === '/pagerank 50') ?? [], 5_000);
  for (const [label, r] of [
    ['1M', m1],
    ['10M', m10],
  ] as const) {
    const first = r?.commands.reduce<CommandFigure | undefined>(
      (w, c) => (w === undefined || c.firstMs > w.firstMs ? c : w),
      undefined,
    );
    // Not a goal of the issue, but what the first question after an import or a restart pays.
    goals.push({
      goal: `${label}: slowest first run after the import (no goal; it builds what is kept until the next write)`,
      measured:
        first === undefined
          ? 'not measured'
          : `${ms(first.firstMs)} ms (${first.key}${first.pictures ? ', with pictures' : ''})`,
      met: null,
    });
  }
  return [
    '| goal | this run | met |',
    '| --- | --- | --- |',
    ...goals.map(
      (g) =>
        `| ${g.goal} | ${g.measured.replace(/\|/g, '\\|')} | ${g.met === null ? '—' : g.met ? 'yes' : '**no**'} |`,
    ),
  ].join('\n');
}

async function drawCurve(
  sizes: readonly number[],
  results: ReadonlyMap<number, ScaleResult | string>,
): Promise<string> {
  const p95 = (key: string, pictures: boolean) =>
    sizes.map((s) => {
      const r = results.get(s);
      if (r === undefined || typeof r === 'string') return null;
      return r.commands.find((c) => c.key === key && c.pictures === pictures)?.p95Ms ?? null;
    });
  const series = SCALE_COMMANDS.map((c) => ({ label: `${c.line} p95`, values: p95(c.line, c.pictures) }));
  series.push({
    label: 'import',
    values: sizes.map((s) => {
      const r = results.get(s);
      return r === undefined || typeof r === 'string' ? null : r.importMs;
    }),
  });
  const image = await renderLineChart({
    title: 'Embedded store by graph size',
    subtitle:
      'p95 of each command as sent (pictures drawn where the reply has them), and the import; log axes',
    x: sizes.map((s) => ({ value: s, label: sizeLabel(s) })),
    xTitle: 'CHATTER relationships (generated graph)',
    yTitle: 'time (log)',
    series,
    guides: [
      { value: 100, label: 'goal at 1M: text p95 < 100 ms' },
      { value: 1000, label: 'goal at 10M: every command p95 < 1 s' },
    ],
  });
  await mkdir(join(root, 'docs'), { recursive: true });
  await writeFile(join(root, 'docs', 'scale-curve.png'), image.png);
  return 'scale-curve.png';
}

export async function benchScale(): Promise<SuiteOutput> {
  const sizes = (process.env.SCALE_SIZES ?? '100k,1M,10M')
    .split(',')
    .map(parseSize)
    .sort((a, b) => a - b);
  const work = await mkdtemp(join(tmpdir(), 'twitchgraph-scale-'));
  const rows: BenchRow[] = [];
  const results = new Map<number, ScaleResult | string>();
  try {
    for (const size of sizes) {
      const result = await measureSize(size, work);
      results.set(size, result);
      if (typeof result === 'string') {
        rows.push({
          name: `import ${sizeLabel(size)} generated relationships (embedded, in memory)`,
          median_ms: Number.NaN,
          p95_ms: Number.NaN,
          runs: 0,
          note: result,
        });
        console.log(`scale: ${sizeLabel(size)} ${result}`);
        continue;
      }
      rows.push({
        name: `import ${sizeLabel(size)} generated relationships (embedded, in memory)`,
        median_ms: round(result.importMs),
        p95_ms: round(result.importMs),
        runs: 1,
        note: `${result.rows.toLocaleString('en-US')} rows → ${result.nodes.toLocaleString('en-US')} nodes, ${result.relationships.toLocaleString('en-US')} relationships; RSS ${result.rssBeforeMiB} → ${result.rssAfterImportMiB} MiB after import (heap ${result.heapAfterImportMiB} MiB), ${result.rssAfterCommandsMiB} MiB after the commands, peak ${result.peakRssMiB} MiB; load ${result.importLoad.toFixed(2)}`,
      });
      for (const c of result.commands)
        rows.push({
          name: commandName(c, size),
          median_ms: c.p50Ms,
          p95_ms: c.p95Ms,
          runs: c.runs,
          note: `first run ${c.firstMs.toFixed(0)} ms; load ${c.load.toFixed(2)}`,
        });
    }

    const askSize = parseSize(process.env.SCALE_ASK_SIZE ?? '1M');
    const askBase = askSize === 0 ? undefined : results.get(askSize);
    let askNote = '';
    let askFigures: AskFigure[] = [];
    if (askSize !== 0) {
      const ask =
        askBase === undefined || typeof askBase === 'string'
          ? `not reached: the ${sizeLabel(askSize)} size was not measured (SCALE_SIZES) or did not finish`
          : await measureAsk(askSize, askBase.topLogin, work);
      if (typeof ask === 'string') {
        rows.push({
          name: `twitchgraph ask, cold (${sizeLabel(askSize)} edges)`,
          median_ms: Number.NaN,
          p95_ms: Number.NaN,
          runs: 0,
          note: ask,
        });
      } else {
        askNote = ask.setup;
        askFigures = ask.figures;
        for (const f of ask.figures)
          rows.push({
            name:
              f.via === 'cold'
                ? `twitchgraph ask "${f.line}" wall time, cold process (${sizeLabel(askSize)} edges)`
                : f.via === 'bare'
                  ? `twitchgraph ask "${f.line}" wall time, cold process, nothing kept (${sizeLabel(askSize)} edges)`
                  : `twitchgraph ask "${f.line}" wall time via the running start (${sizeLabel(askSize)} edges)`,
            median_ms: f.p50Ms,
            p95_ms: f.p95Ms,
            runs: f.runs,
            note: `${f.failed === undefined ? '' : `${f.failed.startsWith('not reached') ? '' : 'failed: '}${f.failed}; `}text only (no --out), spawn to exit, compiled CLI${f.via === 'start' ? ', a new ask process each time, the first run includes what start computes and keeps' : ''}; load ${f.load.toFixed(2)}`,
          });
      }
    }

    const reached = [...results.values()].some((r) => typeof r !== 'string');
    const chart = reached ? await drawCurve(sizes, results) : undefined;
    const markdown = [
      '### Sizes side by side',
      '',
      sideBySide(sizes, results),
      '',
      'Each size ran in its own process (bench/scale-worker.ts) with `--max-old-space-size` and a resident-set',
      'ceiling; "not reached" rows say where one stopped. Times are in-process dispatch (what the bot does); the',
      'figure in brackets is the 1-minute load average of the 2-core machine when that command started.',
      ...(askNote === '' ? [] : ['', `\`ask\` figures: ${askNote}; each run is a new process (cold).`]),
      '',
      '### Issue 19 goals',
      '',
      goalsTable(results, askFigures, askSize),
      '',
      '### Before and after at 1M relationships',
      '',
      beforeAfter(results.get(1_000_000), askFigures),
      ...(chart === undefined ? [] : ['', `![p95 by graph size](${chart})`]),
    ].join('\n');
    return { rows, markdown };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
