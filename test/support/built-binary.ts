/**
 * The installed binary (`bin/twitchgraph.js`) runs the compiled `dist/`, not the sources. A test that starts
 * it must see the sources it is testing, so dist/ is rebuilt first when any source file is newer than it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './spawn-cli.js';

const BUILT_ENTRY = join(REPO_ROOT, 'dist/cli.js');

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const ms = entry.isDirectory() ? newestSourceMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, ms);
  }
  return newest;
}

function builtMs(): number | null {
  try {
    return statSync(BUILT_ENTRY).mtimeMs;
  } catch {
    return null;
  }
}

/** Builds dist/ (`npm run build`) when it is missing or older than src/; a failed build fails the test. */
export async function ensureBuiltDist(): Promise<void> {
  const built = builtMs();
  if (built !== null && built >= newestSourceMs(join(REPO_ROOT, 'src'))) return;
  try {
    await promisify(execFile)(
      process.execPath,
      [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: REPO_ROOT },
    );
  } catch (error) {
    const output = (error as { stdout?: string }).stdout ?? '';
    throw new Error(`dist/ is missing or older than src/, and \`npm run build\` failed:\n${output}`, {
      cause: error,
    });
  }
  if ((builtMs() ?? 0) < newestSourceMs(join(REPO_ROOT, 'src'))) {
    throw new Error('dist/ is still older than src/ after `npm run build`: is tsconfig.build.json emitting?');
  }
}
