/**
 * Startup and argument failures as a user meets them: one line that names what to change, a non-zero exit,
 * never a stack trace.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-harness.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-startup-');

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('startup failures', () => {
  it('a playground port in use: one line naming HTTP_PORT, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      const dataDir = tempDir();
      const proc = spawnCli(['serve'], {
        TWITCHGRAPH_DATA_DIR: dataDir,
        HTTP_PORT: String(port),
        OPS_PORT: '0',
        LOG_LEVEL: 'error',
      });
      const { code } = await untilExit(proc, 60_000);
      expect(code).toBe(1);
      expect(proc.output()).toMatch(new RegExp(`127\\.0\\.0\\.1:${port}: the port is in use.*set HTTP_PORT`));
      noStackTrace(proc.output());
    } finally {
      blocker.close();
    }
  });

  it('ask --out naming an existing file: one line, exit 2', async () => {
    const dir = tempDir();
    const file = join(dir, 'taken.png');
    writeFileSync(file, 'x');
    const result = await runCli(['ask', '/stats', '--out', file], { TWITCHGRAPH_DATA_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.err).toBe(`twitchgraph ask: --out ${file} is a file; give a directory for the pictures\n`);
  });

  it('a write command on the read-only store of ask says it cannot write', async () => {
    const result = await runCli(['ask', '/monitor add channel:somechannel'], {
      TWITCHGRAPH_DATA_DIR: tempDir(),
    });
    expect(result.out).toMatch(/opened read-only here .* cannot change it/);
    expect(result.out).not.toMatch(/Something went wrong/);
    expect(result.code).toBe(1);
  });
});
