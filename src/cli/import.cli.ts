/** `twitchgraph import [--data DIR] [--strict]`: the seed's five CSV files into the graph. */
import { readdir, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { formatCount } from '../reply/format.js';
import type { SeedFileKind } from '../domain/csv-rows.schema.js';
import { SEED_FILE_ORDER, SEED_FILES } from '../domain/csv-rows.schema.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { openGraphStore } from '../graph/open/open-graph-store.js';
import type { ImportSummary } from '../ingest/csv/seed-importer.js';
import { SeedFileError } from '../ingest/csv/seed-csv-reader.js';
import { importSeedDirectory, rejectionText } from '../ingest/csv/seed-importer.js';
import { visibleControls, visibleOneLine } from '../util/terminal-text.js';
import type { CliContext, CliIO } from './cli-context.js';
import { EXIT, logConnectRetry } from './cli-context.js';
import { wholeNumberOption } from './option-parsers.js';
import { progressLine } from './progress-line.js';

export interface ImportCliOptions {
  data: string;
  strict?: boolean;
  skip?: readonly SeedFileKind[];
  batchSize?: number;
  /** Rejected rows printed one by one before the rest are only counted. */
  maxRejectLines?: number;
}

export function summaryText(summary: ImportSummary): string {
  const lines = summary.files.map((f) =>
    f.present
      ? `  ${basename(f.file).padEnd(15)} ${formatCount(f.read).padStart(9)} read ${formatCount(f.written).padStart(9)} written ${formatCount(f.rejected).padStart(6)} rejected${f.skipped > 0 ? ` ${formatCount(f.skipped)} skipped (repeated rows)` : ''}`
      : `  ${basename(f.file).padEnd(15)} skipped`,
  );
  for (const f of summary.files) {
    if (f.truncated > 0) {
      lines.push(
        `  note: ${basename(f.file)} has ${formatCount(f.truncated)} descriptions longer than Twitch's 300 characters, cut to 300; e.g. line ${f.truncatedExamples.join(', line ')}`,
      );
    }
    if (f.oddLogins > 0) {
      lines.push(
        `  note: ${basename(f.file)} has ${formatCount(f.oddLogins)} logins that are not valid Twitch logins (spreadsheet-mangled?), imported as they are; e.g. line ${f.oddLoginExamples.join(', line ')}`,
      );
    }
  }
  const verdict = summary.stopped
    ? 'stopped at the first rejected row (--strict)'
    : summary.rejected > 0
      ? 'finished with rejected rows'
      : 'done';
  const text = [
    `Import from ${summary.directory}: ${verdict} in ${(summary.elapsedMs / 1000).toFixed(2)} s`,
    ...lines,
    `  total           ${formatCount(summary.read).padStart(9)} read ${formatCount(summary.written).padStart(9)} written ${formatCount(summary.rejected).padStart(6)} rejected${summary.skipped > 0 ? ` ${formatCount(summary.skipped)} skipped` : ''}`,
    '',
  ].join('\n');
  // Notes quote logins and the directory name, which come from outside.
  return visibleControls(text);
}

/** Import into an open store, reporting on `io`. Used by `import` and by `start`'s first run. */
export async function importWithReport(
  io: CliIO,
  graph: GraphStore,
  options: ImportCliOptions,
): Promise<ImportSummary> {
  const progress = progressLine(io);
  const maxRejectLines = options.maxRejectLines ?? 50;
  let rejectLines = 0;
  try {
    return await importSeedDirectory(resolve(options.data), graph, {
      strict: options.strict ?? false,
      ...(options.skip === undefined ? {} : { skip: options.skip }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
      onReject: (r) => {
        rejectLines += 1;
        if (rejectLines <= maxRejectLines) {
          progress.done();
          io.err(`${visibleOneLine(rejectionText(r))}\n`);
        } else if (rejectLines === maxRejectLines + 1) io.err(`… further rejected rows are only counted\n`);
      },
      onProgress: (p) => {
        const percent = p.totalBytes === 0 ? 100 : Math.min(100, Math.round((100 * p.bytes) / p.totalBytes));
        progress.update(`importing ${basename(p.file)}: ${formatCount(p.rows)} rows (${percent}%)`);
      },
    });
  } finally {
    progress.done();
  }
}

/** Why `dir` cannot be imported from, in one line; undefined when it holds at least one seed file. */
async function unusableDataDir(dir: string): Promise<string | undefined> {
  const found = await stat(dir).catch(() => undefined);
  if (found === undefined) return `${dir}: no such directory`;
  if (!found.isDirectory()) return `${dir}: not a directory`;
  const names = new Set(await readdir(dir));
  return SEED_FILE_ORDER.some((kind) => names.has(SEED_FILES[kind].file))
    ? undefined
    : `${dir}: no seed CSV files here (expected ${SEED_FILE_ORDER.map((k) => SEED_FILES[k].file).join(', ')})`;
}

/**
 * The results `ask` would otherwise compute on every question (bot flags, communities, PageRank,
 * betweenness), computed once for the imported graph and kept beside its snapshot.
 */
async function warmForAsk(context: CliContext, graph: GraphStore): Promise<void> {
  const { warmDerivedResults, keepsDerivedResults } = await import('../commands/warm-derived.js');
  if (!keepsDerivedResults(graph)) return;
  const progress = progressLine(context.io);
  progress.update('computing bot flags, communities, PageRank and betweenness for `ask`…');
  // The import ended with a snapshot (seed-importer.ts), so what is computed here is kept under its key.
  const started = performance.now();
  const computed = await warmDerivedResults(graph, { extraBotLogins: context.config.bots.extraLogins });
  progress.done();
  context.io.err(
    `computed ${computed.join(', ')} in ${((performance.now() - started) / 1000).toFixed(1)} s; kept for \`ask\`\n`,
  );
}

export async function runImport(context: CliContext, options: ImportCliOptions): Promise<number> {
  // Checked before the store is opened: a mistyped path is one line, not a stack trace.
  const problem = await unusableDataDir(resolve(options.data));
  if (problem !== undefined) {
    context.io.err(`twitchgraph import: ${problem}\n`);
    return EXIT.failed;
  }
  const graph = await openGraphStore(context.config, {
    command: 'twitchgraph import',
    onConnectRetry: logConnectRetry(context.logger),
  });
  try {
    const summary = await importWithReport(context.io, graph, options);
    context.io.out(summaryText(summary));
    await warmForAsk(context, graph);
    return summary.rejected > 0 ? EXIT.failed : EXIT.ok;
  } catch (error) {
    if (!(error instanceof SeedFileError)) throw error;
    context.io.err(`twitchgraph import: ${error.message}\n`);
    return EXIT.failed;
  } finally {
    await graph.close();
  }
}

export function registerImport(
  program: Command,
  context: () => CliContext,
  setExit: (code: number) => void,
): void {
  program
    .command('import')
    .description(
      'Import the five seed CSV files (streamers, teams, vips, moderators, chatters) into the graph',
    )
    .option('--data <dir>', 'directory holding the CSV files', 'data')
    .option('--strict', 'stop at the first rejected row')
    .option('--batch-size <rows>', 'rows per write', wholeNumberOption(1, 1_000_000))
    .action(async (options: ImportCliOptions) => setExit(await runImport(context(), options)));
}
