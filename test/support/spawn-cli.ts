/**
 * The CLI as its own process, so signals and pipes reach it as they would: the sources (node + the tsx
 * loader, no wrapper) or the installed binary (`node bin/twitchgraph.js`, which runs dist/; see
 * built-binary.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface CliProcess {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** stdout and stderr so far, interleaved. */
  output: () => string;
}

export type CliEntry = 'sources' | 'binary';

const ENTRY_ARGS: Record<CliEntry, readonly string[]> = {
  sources: ['--import', TSX_LOADER, join(REPO_ROOT, 'src/cli.ts')],
  binary: [join(REPO_ROOT, 'bin/twitchgraph.js')],
};

/** `twitchgraph <args>` with the test's environment on top of this one's. */
export function spawnCli(
  args: readonly string[],
  env: Record<string, string>,
  entry: CliEntry = 'sources',
): CliProcess {
  const child = spawn(process.execPath, [...ENTRY_ARGS[entry], ...args], {
    // The data dir, not the repository: no developer .env is picked up.
    cwd: env.TWITCHGRAPH_DATA_DIR ?? REPO_ROOT,
    env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

/** Wait for the process to exit; SIGKILL it after `timeoutMs` (the test then sees the signal). */
export async function untilExit(proc: CliProcess, timeoutMs = 60_000) {
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), timeoutMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}
