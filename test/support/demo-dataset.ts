/**
 * Where the real demo dataset lives: `TWITCH_DEMO_DIR` when set, else the copy shipped in
 * `data/twitch-demo/` (the five CSVs of Memgraph's Twitch demo, MIT; see its SOURCE.md).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const SHIPPED = fileURLToPath(new URL('../../data/twitch-demo', import.meta.url));

export function demoDatasetDir(): string {
  const fromEnv = process.env.TWITCH_DEMO_DIR;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!existsSync(join(SHIPPED, 'streamers.csv')))
    throw new Error(`demo dataset not found in ${SHIPPED}; set TWITCH_DEMO_DIR`);
  return SHIPPED;
}
