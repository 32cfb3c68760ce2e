/**
 * What happens when the graph database is not there: unreachable at start (bounded retries with backoff,
 * then one clear line naming the URL), and lost while running (operations fail with a retryable
 * GraphStoreError; once the server is back the same store object works again).
 *
 * The restart test runs its own Neo4j (another state directory, small heap) so the server the other
 * integration tests share is never stopped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import type { ConnectRetry } from '../../src/graph/bolt/bolt-store.js';
import { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import { streamer } from '../contract/graph-store.contract.js';
import { boltSettings } from '../support/bolt.js';
import { neo4jScript, urlFrom } from '../support/neo4j-script.js';

/** Nothing listens on port 1 of the loopback interface (a privileged port no test starts). */
const UNREACHABLE = 'bolt://127.0.0.1:1';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function failure(promise: Promise<unknown>): Promise<GraphStoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphStoreError);
  return error as GraphStoreError;
}

describe('graph database unreachable at start', () => {
  it('retries with doubling waits, then fails with one retryable error naming the URL', async () => {
    const retries: ConnectRetry[] = [];
    const started = performance.now();
    const error = await failure(
      BoltGraphStore.connect(
        boltSettings(UNREACHABLE, {
          connectRetries: 3,
          connectBackoffMs: 50,
          onConnectRetry: (r) => retries.push(r),
        }),
      ),
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(50 + 100 + 200);
    expect(retries.map((r) => [r.attempt, r.attempts, r.delayMs])).toEqual([
      [1, 4, 50],
      [2, 4, 100],
      [3, 4, 200],
    ]);
    expect(error.code).toBe('GRAPH_UNAVAILABLE');
    expect(error.canRetry).toBe(true);
    expect(error.message).toContain(`Cannot reach the graph database at ${UNREACHABLE} after 4 tries`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain('\n');
  });

  it('`twitchgraph ask` prints one clear line and exits non-zero', async () => {
    const result = await runCli(['ask', '/stats'], {
      GRAPH_URL: UNREACHABLE,
      GRAPH_CONNECT_BACKOFF_MS: '100',
    });
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    const lines = result.err.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^twitchgraph: Cannot reach the graph database at bolt:\/\/127\.0\.0\.1:1 after 3 tries over [\d.]+ s \(connect ECONNREFUSED 127\.0\.0\.1:1\)\. Is it running\? Check GRAPH_URL\.$/,
    );
  });

  it('`twitchgraph import` logs each retry, then fails the same way', async () => {
    const result = await runCli(['import', '--data', 'data'], {
      GRAPH_URL: UNREACHABLE,
      GRAPH_CONNECT_RETRIES: '2',
      GRAPH_CONNECT_BACKOFF_MS: '50',
    });
    expect(result.code).toBe(1);
    const lines = result.err.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(0, 2))
      expect((JSON.parse(line) as { msg: string }).msg).toContain(
        `graph database at ${UNREACHABLE} not reachable yet`,
      );
    expect(lines[2]).toContain(`Cannot reach the graph database at ${UNREACHABLE} after 3 tries`);
  });
});

describe('graph database lost while running', () => {
  it('fails with retryable errors while it is down, and the same store works once it is back (also after a crash)', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'twitchgraph-neo4j-restart-'));
    const env = { NEO4J_STATE_DIR: stateDir, NEO4J_HEAP: '512m', NEO4J_PAGECACHE: '67108864' };
    let store: BoltGraphStore | undefined;
    try {
      const url = urlFrom(await neo4jScript('start', env));
      // Retry for 2 s instead of 10 before giving up, to keep the test short.
      store = await BoltGraphStore.connect(boltSettings(url, { transactionRetryMs: 2_000 }));
      await store.upsertStreamers([streamer('1', 'alpha')]);
      expect((await store.counts()).byLabel.Stream).toBe(1);

      expect((await neo4jScript('stop', env)).code).toBe(0);
      const readError = await failure(store.counts());
      expect(readError.canRetry).toBe(true);
      expect(readError.code).toBe('GRAPH_UNAVAILABLE');
      expect(readError.message).toContain(url);
      const writeError = await failure(store.upsertStreamers([streamer('2', 'bravo')]));
      expect(writeError.canRetry).toBe(true);
      // A chat command turns it into a "try again" reply, not a crash.
      const registry = buildRegistry();
      const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
      const asked = await dispatch(parseCommandLine('/stats', definitions), registry, { graph: store });
      expect(asked.outcome).toBe('failed');
      expect(asked.reply.description).toContain('try again');

      // Back on the same port (the script reuses it), with its data.
      expect(urlFrom(await neo4jScript('start', env))).toBe(url);
      expect((await store.counts()).byLabel.Stream).toBe(1);
      await store.upsertStreamers([streamer('2', 'bravo')]);
      expect(await store.listNames('streamer')).toEqual(['alpha', 'bravo']);

      // Starting it again while it runs gives the same URL at once.
      expect(urlFrom(await neo4jScript('start', env))).toBe(url);

      // A crash (SIGKILL) leaves a stale pid file; the next start notices, starts afresh, recovers the data.
      const pid = Number(readFileSync(join(stateDir, 'neo4j.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect((await neo4jScript('status', env)).stdout.trim()).toBe('stopped');
      expect(await failure(store.counts())).toMatchObject({ canRetry: true });
      const afterCrash = await neo4jScript('start', env);
      expect(afterCrash.stderr).toContain('removing stale pid file');
      expect(urlFrom(afterCrash)).toBe(url);
      expect(await store.listNames('streamer')).toEqual(['alpha', 'bravo']);
    } finally {
      await store?.close();
      await neo4jScript('stop', env);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 600_000);
});
