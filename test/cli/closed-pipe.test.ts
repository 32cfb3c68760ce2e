/** A reader that stops early (`twitchgraph ask … | head -1`) ends the CLI quietly, not with a stack trace. */
import { describe, expect, it } from 'vitest';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-pipe-');

describe('stdout closed by the reader', () => {
  it('exits 0 without an error when the pipe closes before the answer is written', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir(), LOG_LEVEL: 'warn' };
    const imported = spawnCli(['import', '--data', demoDatasetDir()], env);
    expect((await untilExit(imported)).code).toBe(0);
    const asked = spawnCli(['ask', '/streamer lck_korea'], env);
    // The reader goes away at once, like `head` after its first line.
    asked.child.stdout?.destroy();
    const exit = await untilExit(asked);
    expect(asked.output()).not.toMatch(/EPIPE|Unhandled/);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 60_000);
});
