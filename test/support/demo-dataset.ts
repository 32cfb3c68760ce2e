/**
 * Where the seed's twitch-demo CSVs are. They are shared reference data, never copied into the repository:
 * `TWITCH_DEMO_DIR` when set, else `/work/shared/datasets/twitch-demo` when it exists, else
 * `<repo>/../shared/datasets/twitch-demo` (the development layout; CI may place the clone elsewhere).
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHARED_DEMO_DIR = '/work/shared/datasets/twitch-demo';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function demoDatasetDir(): string {
  const fromEnv = process.env.TWITCH_DEMO_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  if (existsSync(SHARED_DEMO_DIR)) return SHARED_DEMO_DIR;
  return resolve(REPO_ROOT, '..', 'shared', 'datasets', 'twitch-demo');
}
