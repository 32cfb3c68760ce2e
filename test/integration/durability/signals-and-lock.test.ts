/**
 * Ctrl-C on `npm start` as a terminal sends it — SIGINT to the whole process group, npm included — always
 * drains, saves and exits 0; and the writer lock: taken over after the holder died as PID 1 of a container
 * (a PID namespace here), and won by exactly one of six processes racing for a stale lock.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../../src/graph/embedded/writer-lock.js';
import type { CliProcess } from '../../support/spawn-cli.js';
import { REPO_ROOT, spawnCli, untilExit } from '../../support/spawn-cli.js';
import { useTempDirs } from '../../support/temp-dir.js';
import { chatterLines, faultSeed, seededRandom, storeTotals, untilOutput } from '../support/durability.js';

const tempDir = useTempDirs('twitchgraph-signals-');
const SIGINT_TRIALS = 20;
const CONTENDERS = 6;
const ROUNDS = 50;

function wrap(child: ChildProcess): CliProcess {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, exited, output: () => output };
}

describe('Ctrl-C on npm start', () => {
  it(`SIGINT to the process group, ${SIGINT_TRIALS} times: exit 0 every time, every sample message once`, async () => {
    const seed = faultSeed() + 2;
    const random = seededRandom(seed);
    const dataDir = tempDir();
    const env = {
      ...process.env,
      TWITCHGRAPH_DATA_DIR: dataDir,
      HTTP_PORT: '0',
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    };
    const codes: (number | null)[] = [];
    for (let trial = 0; trial < SIGINT_TRIALS; trial += 1) {
      // Its own process group, like a terminal's foreground job.
      const npm = wrap(
        spawn('npm', ['start', '--silent', '--', '--rate', '250'], {
          cwd: REPO_ROOT,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        }),
      );
      await untilOutput(npm, /twitchgraph is running/, 60_000);
      await sleep(random() * 1_500);
      process.kill(-(npm.child.pid ?? 0), 'SIGINT');
      const exit = await untilExit(npm, 60_000);
      codes.push(exit.code);
      expect(exit.code, npm.output()).toBe(0);
      expect(npm.output()).toMatch(/stopped; the graph is saved/);
    }
    const last = spawnCli(['start', '--rate', '6000'], {
      TWITCHGRAPH_DATA_DIR: dataDir,
      HTTP_PORT: '0',
      OPS_PORT: '0',
    });
    await untilOutput(
      last,
      /replay of the sample chatters finished|were all replayed by earlier starts/,
      120_000,
    );
    last.child.kill('SIGINT');
    expect((await untilExit(last)).code).toBe(0);
    const totals = await storeTotals(dataDir);
    console.log(
      `Ctrl-C on npm start (seed ${seed}): ${SIGINT_TRIALS} trials, exit codes ${[...new Set(codes)].join(',')}; ` +
        `messages ${totals.messages} of ${chatterLines()}`,
    );
    expect(totals.messages).toBe(chatterLines());
  }, 400_000);
});

describe('writer lock', () => {
  it('takes over the lock of a PID 1 that was killed (a restarted container)', async () => {
    const dataDir = tempDir();
    const env = { TWITCHGRAPH_DATA_DIR: dataDir, HTTP_PORT: '0', OPS_PORT: '0', LOG_LEVEL: 'warn' };
    const inNamespace = () =>
      wrap(
        spawn(
          'unshare',
          [
            '-p',
            '-f',
            '--kill-child',
            '--mount-proc',
            process.execPath,
            '--import',
            'tsx',
            'src/cli.ts',
            'start',
            '--rate',
            '100',
          ],
          { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
    const first = inNamespace();
    await untilOutput(first, /twitchgraph is running/, 60_000);
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 1 });
    first.child.kill('SIGKILL'); // --kill-child: PID 1 inside dies with it, leaving its lock
    await untilExit(first);
    await sleep(200);
    const second = inNamespace();
    await untilOutput(second, /twitchgraph is running|in use by/, 60_000);
    expect(second.output()).not.toMatch(/in use by/);
    // unshare ignores SIGTERM while it waits for its child; SIGKILL takes both down (--kill-child).
    second.child.kill('SIGKILL');
    await untilExit(second);
  }, 120_000);

  it(`${CONTENDERS} processes racing for a stale lock, ${ROUNDS} rounds: exactly one wins each round`, async () => {
    const dir = tempDir();
    const contender = `
      import { WriterLock } from './src/graph/embedded/writer-lock.ts';
      let held;
      process.on('message', (m) => {
        if (m === 'exit') process.exit(0);
        if (m === 'release') {
          held.release();
          process.send({ released: true });
          return;
        }
        try {
          held = WriterLock.acquire(m, 'contender');
          process.send({ won: true });
        } catch (error) {
          process.send({ won: false, code: error.code, message: error.message });
        }
      });
      process.send({ ready: true });
    `;
    const children = Array.from({ length: CONTENDERS }, () =>
      fork('--input-type=module', [], {
        cwd: REPO_ROOT,
        execArgv: ['--import', 'tsx', '--eval', contender],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const next = (child: ChildProcess) =>
      new Promise<Record<string, unknown>>((resolve) =>
        child.once('message', (m) => resolve(m as Record<string, unknown>)),
      );
    await Promise.all(children.map(next));
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    const winners: number[] = [];
    try {
      for (let round = 0; round < ROUNDS; round += 1) {
        const roundDir = join(dir, `r${round}`);
        const { mkdirSync } = await import('node:fs');
        mkdirSync(roundDir);
        writeFileSync(
          join(roundDir, LOCK_FILE),
          JSON.stringify({ pid: dead.pid, host: hostname(), command: 'crashed', startedAt: 'x' }),
        );
        const answers = children.map(next);
        for (const child of children) child.send(roundDir);
        const results = await Promise.all(answers);
        const won = children.filter((_, i) => results[i]?.won === true);
        winners.push(won.length);
        expect(results.filter((r) => r.won === false).map((r) => r.code)).toEqual(
          results.filter((r) => r.won === false).map(() => 'STORE_LOCKED'),
        );
        await Promise.all(
          won.map((child) => {
            const r = next(child);
            child.send('release');
            return r;
          }),
        );
      }
    } finally {
      for (const child of children) child.send('exit');
    }
    console.log(
      `stale-lock race: ${CONTENDERS} contenders × ${ROUNDS} rounds, winners per round: ${[...new Set(winners)].join(',')}`,
    );
    expect(winners).toEqual(Array.from({ length: ROUNDS }, () => 1));
  }, 120_000);
});
