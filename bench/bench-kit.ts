/**
 * Shared pieces of the benchmarks: one row format, and timing with median and p95. Benchmarks live in
 * bench/*.bench.ts, each exporting an async function returning rows; `npm run bench` runs them all.
 */

export interface BenchRow {
  /** What was measured, e.g. "import demo dataset (embedded)". */
  name: string;
  median_ms: number;
  p95_ms: number;
  runs: number;
  /** Anything a reader needs: sizes, throughput, memory. */
  note?: string;
}

/** What a suite may return instead of bare rows: the rows, and markdown to print below their table. */
export interface SuiteOutput {
  rows: BenchRow[];
  markdown: string;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Run `fn` `warmup` times unmeasured, then `runs` times; report median and p95 in milliseconds. */
export async function measure(
  name: string,
  fn: () => unknown,
  options: { runs?: number; warmup?: number; note?: string } = {},
): Promise<BenchRow> {
  const runs = options.runs ?? 20;
  for (let i = 0; i < (options.warmup ?? 2); i += 1) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const row: BenchRow = {
    name,
    median_ms: round(percentile(times, 50)),
    p95_ms: round(percentile(times, 95)),
    runs,
  };
  if (options.note !== undefined) row.note = options.note;
  return row;
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}

/** `measure`, plus the median CPU time of this process per run (the machine is shared). */
export async function measureWithCpu(
  name: string,
  fn: () => unknown,
  options: { runs: number; warmup: number },
): Promise<{ row: BenchRow; cpuMs: number }> {
  const cpu: number[] = [];
  const row = await measure(
    name,
    async () => {
      const before = process.cpuUsage();
      await fn();
      const used = process.cpuUsage(before);
      cpu.push((used.user + used.system) / 1000);
    },
    options,
  );
  const measured = cpu.slice(options.warmup).sort((a, b) => a - b);
  return { row, cpuMs: measured[Math.floor(measured.length / 2)] ?? Number.NaN };
}
