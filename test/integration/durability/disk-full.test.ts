/**
 * A full disk, for real: the data directory is a small tmpfs (this suite runs as root, as CI does here).
 * Whether the snapshot or the journal hits the wall first, the command ends with one line and a non-zero
 * exit, and the store still loads with everything it held before.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_DATA_DIR } from '../../../src/cli/package-paths.js';
import { demoDatasetDir } from '../../support/demo-dataset.js';
import { spawnCli, untilExit } from '../../support/spawn-cli.js';
import { useTempDirs } from '../../support/temp-dir.js';
import { storeTotals } from '../support/durability.js';

const tempDir = useTempDirs('twitchgraph-diskfull-');
const mounted: string[] = [];

function smallDisk(bytes: number): string {
  const dir = join(tempDir(), 'data');
  mkdirSync(dir);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `this suite mounts a small tmpfs to fill a disk for real and needs root (as CI has here): ${(error as Error).message}`,
    );
  }
  mounted.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of mounted.splice(0)) execFileSync('umount', [dir]);
});

async function importInto(dataDir: string, data: string) {
  const proc = spawnCli(['import', '--data', data], { TWITCHGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'error' });
  const exit = await untilExit(proc);
  return { code: exit.code, output: proc.output() };
}

describe('a full disk', () => {
  it.each([
    // The sample's snapshot fits twice, the demo's journal does not fit: the journal append fails first.
    ['the journal append', 1_200_000],
    // The demo's journal fits, its snapshot (about 2.9 MB) and the one kept before it do not.
    ['the snapshot', 3_400_000],
  ])('during %s: one line, exit 1, the graph before intact', async (_what, bytes) => {
    const dataDir = smallDisk(bytes);
    const before = await importInto(dataDir, SAMPLE_DATA_DIR);
    expect(before.code, before.output).toBe(0);
    const held = await storeTotals(dataDir);
    expect(held.streams).toBeGreaterThan(0);

    const full = await importInto(dataDir, demoDatasetDir());
    expect(full.code, full.output).toBe(1);
    expect(full.output).toMatch(/the disk is full/);
    expect(full.output).not.toMatch(/\n\s+at /);

    // It loads, and holds at least what it held: nothing acknowledged is lost, nothing half-written read.
    const after = await storeTotals(dataDir);
    expect(after.streams).toBeGreaterThanOrEqual(held.streams);
    expect(after.messages).toBeGreaterThanOrEqual(held.messages);
    console.log(`disk full during ${_what} (${bytes} bytes): "${full.output.trim().split('\n').at(-1)}"`);
  });
});
