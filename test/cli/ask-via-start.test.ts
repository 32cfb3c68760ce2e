/**
 * `twitchgraph ask` while `twitchgraph start` runs on the same data directory: the question goes to the
 * running start (its loopback endpoint, named in a private discovery file) and the answer printed is the one
 * the store gives a cold `ask --local`; a start that is gone, or does not answer, leaves the cold path.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ASK_ENDPOINT_FILE, packageVersion } from '../../src/cli/ask-via-start.js';
import { DERIVED_FILE } from '../../src/graph/embedded/derived-file.js';
import { runCli } from '../support/cli-harness.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import type { CliProcess } from '../support/spawn-cli.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-ask-start-');

async function until<T>(what: string, probe: () => T | undefined, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Asked {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `twitchgraph ask …` as its own process, stdout and stderr apart. */
async function ask(args: readonly string[], env: Record<string, string>): Promise<Asked> {
  const proc: CliProcess = spawnCli(['ask', ...args], { ...env, LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
  let stdout = '';
  let stderr = '';
  proc.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  proc.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const { code } = await untilExit(proc, 60_000);
  return { code, stdout, stderr };
}

function importedStore(): { dataDir: string; env: Record<string, string> } {
  const dataDir = tempDir();
  return {
    dataDir,
    env: { TWITCHGRAPH_DATA_DIR: dataDir, HTTP_PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn' },
  };
}

/** A PID that belonged to a process that has exited. */
function deadPid(): number {
  const run = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(run.stdout.toString());
}

function discoveryFile(dataDir: string, fields: Record<string, unknown>): void {
  const endpoint = {
    protocol: 1,
    version: packageVersion(),
    pid: process.pid,
    host: hostname(),
    address: '127.0.0.1',
    port: 9,
    secret: 'x'.repeat(43),
    ...fields,
  };
  writeFileSync(join(dataDir, ASK_ENDPOINT_FILE), JSON.stringify(endpoint), { mode: 0o600 });
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ask through a running start', () => {
  it('answers through start with what the store gives a cold ask; the discovery file is private and goes with start', async () => {
    const { dataDir, env } = importedStore();
    expect((await runCli(['import', '--data', demoDatasetDir()], env)).code).toBe(0);
    // What a start killed between writing the discovery file and renaming it leaves: replaced, not reused.
    writeFileSync(join(dataDir, `${ASK_ENDPOINT_FILE}.tmp`), '{"half', { mode: 0o644 });
    const start = spawnCli(['start'], env);
    try {
      await until('the running banner', () =>
        /front end\s+playground/.test(start.output()) ? true : undefined,
      );
      const file = join(dataDir, ASK_ENDPOINT_FILE);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(existsSync(`${file}.tmp`)).toBe(false);
      const endpoint = JSON.parse(readFileSync(file, 'utf8')) as {
        pid: number;
        port: number;
        address: string;
      };
      expect(endpoint.pid).toBe(start.child.pid);
      expect(endpoint.address).toBe('127.0.0.1');

      const questions = [['/stats'], ['/top games 5'], ['/streamer', 'lck_korea'], ['/pagerank 10']];
      const viaStart: Asked[] = [];
      for (const q of questions) {
        const answered = await ask(q, env);
        expect(answered.stderr, q.join(' ')).toContain(
          `answered by the running start (pid ${start.child.pid})`,
        );
        expect(answered.code).toBe(0);
        viaStart.push(answered);
      }
      const json = await ask(['/top games 5', '--json'], env);
      expect(json.stderr).toContain('answered by the running start');
      // A name the graph does not have: the same exit status as a cold ask.
      const missing = await ask(['/streamer', 'no_such_streamer_here'], env);
      expect(missing.stderr).toContain('answered by the running start');
      expect(missing.code).toBe(3);

      start.child.kill('SIGINT');
      expect(await untilExit(start, 30_000), start.output()).toEqual({ code: 0, signal: null });
      expect(existsSync(file)).toBe(false);

      for (const [i, q] of questions.entries()) {
        const cold = await ask([...q, '--local'], env);
        expect(cold.stderr).not.toContain('running start');
        expect(cold.code).toBe(0);
        expect(viaStart[i]?.stdout, q.join(' ')).toBe(cold.stdout);
      }
      expect(json.stdout).toBe((await ask(['/top games 5', '--json', '--local'], env)).stdout);
      const coldMissing = await ask(['/streamer', 'no_such_streamer_here', '--local'], env);
      expect(missing.stdout).toBe(coldMissing.stdout);
    } finally {
      start.child.kill('SIGKILL');
    }
  }, 240_000);

  it('start computes the whole-graph results once it is up and keeps them beside the snapshot', async () => {
    const { dataDir, env } = importedStore();
    expect((await runCli(['import', '--data', demoDatasetDir()], env)).code).toBe(0);
    rmSync(join(dataDir, DERIVED_FILE));
    const start = spawnCli(['start'], { ...env, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    try {
      await until('the whole-graph results', () =>
        start.output().includes('whole-graph results ready') ? true : undefined,
      );
      expect(existsSync(join(dataDir, DERIVED_FILE))).toBe(true);
      start.child.kill('SIGINT');
      expect(await untilExit(start, 30_000), start.output()).toEqual({ code: 0, signal: null });
    } finally {
      start.child.kill('SIGKILL');
    }
  }, 120_000);

  it('refuses a question without the right secret', async () => {
    const { dataDir, env } = importedStore();
    const start = spawnCli(['start', '--rate', '1'], env);
    try {
      await until('the running banner', () =>
        /front end\s+playground/.test(start.output()) ? true : undefined,
      );
      const endpoint = JSON.parse(readFileSync(join(dataDir, ASK_ENDPOINT_FILE), 'utf8')) as {
        port: number;
        secret: string;
        version: string;
      };
      const post = (secret: string) =>
        fetch(`http://127.0.0.1:${endpoint.port}/ask`, {
          method: 'POST',
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ protocol: 1, version: endpoint.version, line: '/stats' }),
        });
      // One character changed (the first: the last of 32 bytes in base64url is 'A' one time in 16).
      const wrong = await post(`${endpoint.secret.startsWith('a') ? 'b' : 'a'}${endpoint.secret.slice(1)}`);
      expect(wrong.status).toBe(401);
      expect(await wrong.text()).not.toContain('Nodes');
      const right = await post(endpoint.secret);
      expect(right.status).toBe(200);
      expect(((await right.json()) as { outcome: string }).outcome).toBe('ok');
    } finally {
      start.child.kill('SIGINT');
      await untilExit(start, 30_000);
    }
  }, 120_000);

  it('reads the store itself when the discovery file is stale, unsafe or its start does not answer', async () => {
    const { dataDir, env } = importedStore();
    expect((await runCli(['import', '--data', demoDatasetDir()], env)).code).toBe(0);
    const cold = await ask(['/stats', '--local'], env);
    expect(cold.code).toBe(0);

    // A start that died without removing its file: nothing to say, the cold answer.
    discoveryFile(dataDir, { pid: deadPid() });
    const stale = await ask(['/stats'], env);
    expect(stale).toEqual({ code: 0, stdout: cold.stdout, stderr: '' });

    // An address off loopback is never used, whatever the file says.
    discoveryFile(dataDir, { address: '192.0.2.1' });
    expect(await ask(['/stats'], env)).toEqual({ code: 0, stdout: cold.stdout, stderr: '' });

    // A live process that does not answer: one line, then the cold answer.
    discoveryFile(dataDir, { port: await closedPort() });
    const refused = await ask(['/stats'], env);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toBe(cold.stdout);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/the running start did not answer \(.+\); reading the store instead/);

    // A start that takes the question and never answers: the cold answer after the timeout.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      discoveryFile(dataDir, { port: (silent.address() as { port: number }).port });
      const waited = await ask(['/stats'], env);
      expect(waited.code).toBe(0);
      expect(waited.stdout).toBe(cold.stdout);
      expect(waited.stderr).toContain('did not answer (no answer in 5 s)');
    } finally {
      silent.close();
    }

    // A secret others can read is not trusted.
    discoveryFile(dataDir, {});
    chmodSync(join(dataDir, ASK_ENDPOINT_FILE), 0o644);
    const open = await ask(['/stats'], env);
    expect(open.stdout).toBe(cold.stdout);
    expect(open.stderr).toContain('not private to this user');

    // TWITCHGRAPH_ASK_LOCAL forces the cold path without a word.
    discoveryFile(dataDir, { port: await closedPort() });
    expect(await ask(['/stats'], { ...env, TWITCHGRAPH_ASK_LOCAL: '1' })).toEqual({
      code: 0,
      stdout: cold.stdout,
      stderr: '',
    });
  }, 120_000);
});
