import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore, SNAPSHOT_FILE } from '../../src/graph/embedded/embedded-store.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import { LOCK_FILE } from '../../src/graph/embedded/writer-lock.js';
import { activity, seedSmallGraph } from '../contract/graph-store.contract.js';
import { useTempDirs } from '../support/temp-dir.js';

const open = (dataDir: string, extra: Partial<Parameters<typeof EmbeddedGraphStore.open>[0]> = {}) =>
  EmbeddedGraphStore.open({ dataDir, command: 'test', snapshotMinIntervalMs: 0, ...extra });

async function errorOf(promise: Promise<unknown>): Promise<GraphStoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GraphStoreError) return error;
    throw error;
  }
  throw new Error('expected a GraphStoreError');
}

describe('embedded store on disk', () => {
  const tempDir = useTempDirs();

  it('keeps the graph and consumer offsets across a restart', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.applyChatActivity(
      [activity('1', 'kim', { messages: 7 })],
      [{ group: 'g', topic: 't', partition: 2, from: '41', offset: '42' }],
    );
    const counts = await store.counts();
    const hood = await store.neighbourhood('1', { chatterLimit: 10 });
    await store.close();

    const again = await open(dir);
    expect(await again.counts()).toEqual(counts);
    expect(await again.neighbourhood('1', { chatterLimit: 10 })).toEqual(hood);
    expect(await again.readOffsets('g', 't')).toEqual([
      { group: 'g', topic: 't', partition: 2, offset: '42' },
    ]);
    await again.close();
  });

  it('saves in the background after writes, without waiting for close', async () => {
    const dir = tempDir();
    const store = await open(dir, { snapshotMinIntervalMs: 10 });
    await seedSmallGraph(store);
    await expect.poll(() => existsSync(join(dir, SNAPSHOT_FILE)), { timeout: 5_000 }).toBe(true);
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect((await reader.counts()).byLabel.Stream).toBe(3);
    await reader.close();
    await store.close();
  });

  it('refuses a corrupt snapshot with the file and line when no earlier one is kept, never an empty graph', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.close();
    const file = join(dir, SNAPSHOT_FILE);
    rmSync(`${file}.prev`, { force: true });
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = '{not json';
    writeFileSync(file, lines.join('\n'));
    const error = await errorOf(open(dir));
    expect(error.code).toBe('SNAPSHOT_CORRUPT');
    expect(error.message).toContain(file);
    expect(error.message).toContain('line 4');
    // The failed open must not leave its lock behind.
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a truncated snapshot when no earlier one is kept', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.close();
    const file = join(dir, SNAPSHOT_FILE);
    rmSync(`${file}.prev`, { force: true });
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)).replace(/\n[^\n]*$/, '\n'));
    const error = await errorOf(EmbeddedGraphStore.open({ dataDir: dir, readOnly: true }));
    expect(error.message).toMatch(/ends early/);
  });

  it('refuses a file that is not a snapshot', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, SNAPSHOT_FILE), 'hello\n');
    const error = await errorOf(open(dir));
    expect(error.message).toMatch(/line 1: not JSON/);
  });

  it('lets one writer in and names it to the second', async () => {
    const dir = tempDir();
    const first = await open(dir, { command: 'twitchgraph ingest' });
    const error = await errorOf(open(dir, { command: 'twitchgraph import' }));
    expect(error.code).toBe('STORE_LOCKED');
    expect(error.message).toContain(`process ${process.pid} (twitchgraph ingest`);
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect((await reader.counts()).nodes).toBe(0);
    await expect(reader.addChatters([])).rejects.toThrow(/read-only/);
    await reader.close();
    await first.close();
    const second = await open(dir);
    await second.close();
  });

  it('names a writer in another live process', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        join(dir, LOCK_FILE),
        JSON.stringify({
          pid: child.pid,
          host: hostname(),
          command: 'twitchgraph start',
          startedAt: '2026-01-01T00:00:00Z',
        }),
      );
      const error = await errorOf(open(dir));
      expect(error.message).toContain(`process ${child.pid} (twitchgraph start`);
    } finally {
      child.kill();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: child.pid,
        host: hostname(),
        command: 'crashed',
        startedAt: '2026-01-01T00:00:00Z',
      }),
    );
    const store = await open(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});

describe('embedded store bookkeeping on disk', () => {
  const tempDir = useTempDirs();

  it('keeps monitored channels across a restart', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await store.setMonitoredChannel('somechannel', true, 'mod#1');
    await store.close();
    const again = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect((await again.monitoredChannels()).map((c) => [c.login, c.requestedBy])).toEqual([
      ['somechannel', 'mod#1'],
    ]);
    await again.close();
  });
});
