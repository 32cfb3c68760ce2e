/**
 * The outside tools the integration suite runs (Twitch's CLI, Memgraph's grammar check) live in the
 * workplace's read-only `shared/` folder: beside the clone in CI (`../shared`), or at `SHARED_DIR`, or at
 * /work/shared for a clone made elsewhere (e.g. a clean clone in a temporary directory).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './spawn-cli.js';

export function sharedTool(relative: string): string {
  const candidates = [
    ...(process.env.SHARED_DIR ? [join(process.env.SHARED_DIR, relative)] : []),
    join(REPO_ROOT, '..', 'shared', relative),
    join('/work/shared', relative),
  ];
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}
