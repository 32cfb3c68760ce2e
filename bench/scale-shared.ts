/** What bench/scale.bench.ts and its child, bench/scale-worker.ts, exchange through files. */

export interface ScaleJob {
  /** CHATTER rows to generate. */
  size: number;
  streamers: number;
  /** Where the generated dataset is kept between runs. */
  datasetDir: string;
  progressFile: string;
  resultFile: string;
  /** Stop (exit 3) when the resident set passes this many MiB. */
  rssCeilingMiB: number;
  /** Measured runs of a quick command, and of an algorithm command. */
  runs: number;
  heavyRuns: number;
  /** No more measured runs of one command once they took this long (at least one; the first run is apart). */
  commandBudgetMs: number;
}

export interface CommandFigure {
  line: string;
  /** The command as listed, with the streamer's login replaced by {top} (same across sizes). */
  key: string;
  pictures: boolean;
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  runs: number;
  load: number;
}

export interface ScaleResult {
  size: number;
  /** The channel with the most followers, which the {top} commands ask about. */
  topLogin: string;
  rows: number;
  nodes: number;
  relationships: number;
  generateMs: number | null;
  importMs: number;
  rssBeforeMiB: number;
  rssAfterImportMiB: number;
  heapAfterImportMiB: number;
  rssAfterCommandsMiB: number;
  peakRssMiB: number;
  importLoad: number;
  commands: CommandFigure[];
}

/** The commands measured at every size; {top} is the channel with the most followers. */
export const SCALE_COMMANDS: readonly { line: string; heavy?: boolean; pictures: boolean }[] = [
  { line: '/stats', pictures: false },
  { line: '/top games 10', pictures: true },
  { line: '/top vips 10', pictures: true },
  { line: '/top moderators 10', pictures: true },
  { line: '/top streamers-by-followers 10', pictures: true },
  { line: '/streamer {top}', pictures: true },
  { line: '/streamers en', pictures: true },
  { line: '/vip-candidates {top}', pictures: true },
  { line: '/overlap {top}', pictures: true },
  { line: '/pagerank 50', heavy: true, pictures: true },
  { line: '/betweenness 50', heavy: true, pictures: true },
  { line: '/communities', heavy: true, pictures: true },
];
