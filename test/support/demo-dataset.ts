/**
 * Where the real demo dataset lives: `TWITCH_DEMO_DIR`, else the workplace's shared folder, else
 * `../shared/datasets/twitch-demo` beside the repository. It is reference data and is never copied here.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const CANDIDATES = [
  '/work/shared/datasets/twitch-demo',
  fileURLToPath(new URL('../../../shared/datasets/twitch-demo', import.meta.url)),
];

export function demoDatasetDir(): string {
  const fromEnv = process.env.TWITCH_DEMO_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const found = CANDIDATES.find((dir) => existsSync(join(dir, 'streamers.csv')));
  if (found === undefined)
    throw new Error(`demo dataset not found; set TWITCH_DEMO_DIR (looked in ${CANDIDATES.join(', ')})`);
  return found;
}
