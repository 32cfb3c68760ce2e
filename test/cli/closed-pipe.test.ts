/**
 * A reader that stops early (`twitchgraph ask … | head -1`) ends the CLI quietly, not with a stack trace —
 * from the sources and from the installed binary alike, since both run the same entry path.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuiltDist } from '../support/built-binary.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { CliEntry } from '../support/spawn-cli.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-pipe-');

beforeAll(ensureBuiltDist, 180_000);

describe.each<CliEntry>(['sources', 'binary'])('stdout closed by the reader (%s)', (entry) => {
  it('exits 0 without an error when the pipe closes before the answer is written', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir(), LOG_LEVEL: 'warn' };
    const imported = spawnCli(['import', '--data', demoDatasetDir()], env, entry);
    expect((await untilExit(imported)).code).toBe(0);
    const asked = spawnCli(['ask', '/streamer lck_korea'], env, entry);
    // The reader goes away at once, like `head` after its first line.
    asked.child.stdout?.destroy();
    const exit = await untilExit(asked);
    expect(asked.output()).not.toMatch(/EPIPE|Unhandled/);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('prints its usage for --help and exits 0', async () => {
    const help = spawnCli(['--help'], { TWITCHGRAPH_DATA_DIR: tempDir() }, entry);
    const exit = await untilExit(help);
    expect(help.output()).toContain('Usage: twitchgraph');
    for (const sub of ['import', 'ask', 'generate', 'start']) expect(help.output()).toContain(sub);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
