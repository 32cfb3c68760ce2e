/**
 * The embedded store's durability, tried as an operator meets it: `start` and `import` killed with SIGKILL at
 * random moments, Ctrl-C to the process group of `npm start`, a full disk during a snapshot and during the
 * journal append, a container's PID 1 killed and started again, and several processes taking over a stale
 * lock at once. After each, the store must load, and once the replay has run to its end the chat messages
 * in the graph must equal exactly the events the file holds — nothing lost, nothing counted twice.
 *
 * Each test prints its counts. Trials are kept short (fast replay rates) so the suite stays within minutes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoDatasetDir } from '../../support/demo-dataset.js';
import { REPO_ROOT } from '../../support/spawn-cli.js';
import {
  baseEnv,
  CLI,
  DEMO_CHATTER_EVENTS,
  exitOf,
  randomBetween,
  SAMPLE_CHATTER_EVENTS,
  SAMPLE_DIR,
  sleep,
  spawnGroup,
  spawnTwitchgraph,
  storeTotals,
  tempFilesIn,
} from './support.js';

const made: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twitchgraph-durability-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) {
    // A tmpfs mounted on it (the disk-full tests) first; nothing is mounted on the others.
    spawnSync('umount', [dir], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
});

const READY = /twitchgraph is running/;
const REPLAY_DONE = /replay of the sample chatters finished|all replayed by earlier starts/;
const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at /);

function report(line: string): void {
  process.stdout.write(`[durability] ${line}\n`);
}

/** Runs `start` until the replay of `data`'s chatters has ended, then stops it with SIGINT (exit 0). */
async function finishReplay(dataDir: string, data: string): Promise<void> {
  const proc = spawnTwitchgraph(['start', '--data', data, '--rate', '20000'], baseEnv(dataDir));
  await proc.waitFor(REPLAY_DONE, 180_000);
  proc.signalGroup('SIGINT');
  const { code } = await exitOf(proc);
  expect(code, proc.output().slice(-2000)).toBe(0);
}

describe('durability faults', () => {
  it('start killed with SIGKILL at random moments (20 trials): the store loads each time, totals exact', async () => {
    const dataDir = tempDir();
    let beforeReady = 0;
    for (let trial = 0; trial < 20; trial += 1) {
      const proc = spawnTwitchgraph(['start', '--rate', '300'], baseEnv(dataDir));
      // A quarter of the kills land while the store opens or the first run imports; the rest mid-replay.
      if (trial % 4 === 0) {
        await Promise.race([sleep(randomBetween(100, 2_500)), proc.exited]);
        beforeReady += READY.test(proc.output()) ? 0 : 1;
      } else {
        await proc.waitFor(READY, 90_000);
        await sleep(randomBetween(0, 1_000));
      }
      proc.signalGroup('SIGKILL');
      await exitOf(proc);
      const totals = await storeTotals(dataDir);
      expect(totals.messages).toBeLessThanOrEqual(SAMPLE_CHATTER_EVENTS);
    }
    const partial = await storeTotals(dataDir);
    await finishReplay(dataDir, SAMPLE_DIR);
    const totals = await storeTotals(dataDir);
    report(
      `start SIGKILL: 20 kills (${beforeReady} before ready), ${partial.messages} messages held after the last ` +
        `kill, ${totals.messages} after the full replay (published ${SAMPLE_CHATTER_EVENTS})`,
    );
    expect(totals.messages).toBe(SAMPLE_CHATTER_EVENTS);
    expect(tempFilesIn(dataDir)).toEqual([]);
  }, 360_000);

  it('start killed during its first-run import: the next start finishes that import', async () => {
    const reference = tempDir();
    await finishReplay(reference, SAMPLE_DIR);
    const expected = await storeTotals(reference);

    const dataDir = tempDir();
    const proc = spawnTwitchgraph(['start', '--rate', '300'], baseEnv(dataDir));
    // Killed as soon as the import's first batch is journalled: the rest of the import is not.
    const deadline = Date.now() + 90_000;
    const journalled = () =>
      readdirSync(dataDir)
        .filter((n) => n.startsWith('journal-'))
        .some((n) => readFileSync(join(dataDir, n), 'utf8').includes('\n'));
    while (!journalled() && Date.now() < deadline) await sleep(1);
    proc.signalGroup('SIGKILL');
    await exitOf(proc);
    const partial = await storeTotals(dataDir);
    await finishReplay(dataDir, SAMPLE_DIR);
    const totals = await storeTotals(dataDir);
    report(
      `start SIGKILL during the first-run import: ${partial.nodes} nodes when killed, then ${totals.nodes} ` +
        `nodes, ${totals.relationships} relationships (a clean run: ${expected.nodes}, ${expected.relationships})`,
    );
    expect(totals).toEqual(expected);
  }, 240_000);

  it('import killed with SIGKILL at random moments (10 trials): the store loads, the import completes the same', async () => {
    const demo = demoDatasetDir();
    const reference = tempDir();
    const clean = spawnTwitchgraph(['import', '--data', demo], baseEnv(reference));
    expect((await exitOf(clean, 180_000)).code).toBe(0);
    const expected = await storeTotals(reference);

    const dataDir = tempDir();
    let killedMidway = 0;
    for (let trial = 0; trial < 10; trial += 1) {
      const proc = spawnTwitchgraph(['import', '--data', demo], baseEnv(dataDir));
      await Promise.race([sleep(randomBetween(500, 4_000)), proc.exited]);
      killedMidway += proc.child.exitCode === null ? 1 : 0;
      proc.signalGroup('SIGKILL');
      await exitOf(proc);
      const totals = await storeTotals(dataDir);
      expect(totals.chatterLinks).toBeLessThanOrEqual(expected.chatterLinks);
    }
    const last = spawnTwitchgraph(['import', '--data', demo], baseEnv(dataDir));
    expect((await exitOf(last, 180_000)).code).toBe(0);
    const totals = await storeTotals(dataDir);
    report(
      `import SIGKILL: 10 kills (${killedMidway} mid-import), then ${totals.chatterLinks} chatter links, ` +
        `${totals.relationships} relationships (a clean import: ${expected.chatterLinks}, ${expected.relationships})`,
    );
    expect(totals).toEqual(expected);
  }, 360_000);

  it('Ctrl-C to the process group of npm start (20 trials): exit 0 every time, totals exact', async () => {
    const demo = demoDatasetDir();
    const dataDir = tempDir();
    const codes: (number | null)[] = [];
    let held = 0;
    for (let trial = 0; trial < 20; trial += 1) {
      const proc = spawnGroup(
        'npm',
        ['start', '--silent', '--', '--data', demo, '--rate', '1000'],
        baseEnv(dataDir),
        REPO_ROOT,
      );
      await proc.waitFor(READY, 120_000);
      await sleep(randomBetween(0, 800));
      proc.signalGroup('SIGINT');
      const { code } = await exitOf(proc);
      codes.push(code);
      expect(code, proc.output().slice(-2000)).toBe(0);
      expect(proc.output()).toMatch(/stopped; the graph is saved/);
      expect(tempFilesIn(dataDir)).toEqual([]);
      const totals = await storeTotals(dataDir);
      expect(totals.messages).toBeGreaterThanOrEqual(held);
      held = totals.messages;
    }
    await finishReplay(dataDir, demo);
    const totals = await storeTotals(dataDir);
    report(
      `npm start SIGINT: 20 trials, exit codes ${JSON.stringify([...new Set(codes)])}, ${held} messages after ` +
        `the last Ctrl-C, ${totals.messages} after the full replay (published ${DEMO_CHATTER_EVENTS})`,
    );
    expect(totals.messages).toBe(DEMO_CHATTER_EVENTS);
  }, 360_000);
});

describe('repeated signals', () => {
  it('a second SIGINT during the stop says it is still saving and changes nothing; a third forces', async () => {
    const dataDir = tempDir();
    const twice = spawnTwitchgraph(['start', '--rate', '2000'], baseEnv(dataDir));
    await twice.waitFor(READY, 90_000);
    await sleep(500);
    twice.signalGroup('SIGINT');
    await sleep(30);
    twice.signalGroup('SIGINT');
    expect((await exitOf(twice)).code, twice.output().slice(-2000)).toBe(0);
    expect(twice.output()).toMatch(/SIGINT again: still saving/);
    expect(twice.output()).toMatch(/stopped; the graph is saved/);
    const saved = await storeTotals(dataDir);

    const thrice = spawnTwitchgraph(['start', '--rate', '2000'], baseEnv(dataDir));
    await thrice.waitFor(READY, 90_000);
    await sleep(500);
    // Apart, or the kernel merges pending signals of one kind into one.
    for (let i = 0; i < 3; i += 1) {
      thrice.signalGroup('SIGINT');
      await sleep(30);
    }
    const forced = await exitOf(thrice);
    expect(forced.code).toBe(130);
    expect(thrice.output()).toMatch(/SIGINT a third time, exiting without finishing/);
    // Forced out mid-save: what was journalled is still there, and the replay goes on from it.
    expect((await storeTotals(dataDir)).messages).toBeGreaterThanOrEqual(saved.messages);
    await finishReplay(dataDir, SAMPLE_DIR);
    expect((await storeTotals(dataDir)).messages).toBe(SAMPLE_CHATTER_EVENTS);
    report(`repeated signals: two → exit 0 ("still saving"), three → exit 130; totals exact after`);
  }, 240_000);
});

/** A small tmpfs for the data directory, when this machine lets us mount one (root, no seccomp filter). */
function mountTmpfs(megabytes: number): string | undefined {
  const dir = tempDir();
  const result = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
  return result.status === 0 ? dir : undefined;
}
const canMount = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'twitchgraph-mount-probe-'));
  const ok = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;
  if (ok) spawnSync('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return ok;
})();

/** Fills the file system of `dir` until `leaveBytes` remain free. */
function fillDisk(dir: string, leaveBytes: number): string {
  const filler = join(dir, 'filler.bin');
  const free = Number(statfsSync(dir).bavail) * Number(statfsSync(dir).bsize);
  writeFileSync(filler, Buffer.alloc(Math.max(0, free - leaveBytes)));
  return filler;
}

describe.skipIf(!canMount)('a full disk (tmpfs)', () => {
  // Space left on the disk: just under the snapshot the first run saved (the next snapshot, no smaller, cannot
  // be written, while the journal still has room for the events before it), or 64 KiB (the journal fills).
  // The snapshot case replays slowly, so the journal's appends between two snapshots stay small beside it.
  for (const [where, leave, rate] of [
    ['a snapshot', (snapshotBytes: number) => snapshotBytes - 1, '20'],
    ['the journal append', () => 64 * 1024, '500'],
  ] as const) {
    it(`during ${where}: exit non-zero in one line, the previous graph intact, then exact totals`, async () => {
      const mount = mountTmpfs(16);
      if (mount === undefined) throw new Error('mount failed');
      const dataDir = join(mount, 'store');
      mkdirSync(dataDir);
      const env = { ...baseEnv(dataDir), SNAPSHOT_MIN_INTERVAL_MS: '200' };

      const first = spawnTwitchgraph(['start', '--rate', '500'], env);
      await first.waitFor(READY, 90_000);
      await sleep(800);
      first.signalGroup('SIGINT');
      expect((await exitOf(first)).code).toBe(0);
      const before = await storeTotals(dataDir);

      const filler = fillDisk(mount, leave(statSync(join(dataDir, 'graph.ndjson')).size));
      const full = spawnTwitchgraph(['start', '--rate', rate], env);
      // The journal may fill before the front end is up: then the process stops by itself.
      await Promise.race([full.waitFor(READY, 90_000).catch(() => undefined), full.exited]);
      await Promise.race([sleep(2_000), full.exited]);
      full.signalGroup('SIGINT');
      const { code } = await exitOf(full);
      const failureLines = full
        .output()
        .split('\n')
        .filter((line) => line.startsWith('twitchgraph:') && /disk is full/.test(line));
      expect(code, full.output().slice(-3000)).toBe(1);
      expect(failureLines.length).toBe(1);
      noStackTrace(full.output());
      expect(tempFilesIn(dataDir)).toEqual([]);

      const after = await storeTotals(dataDir);
      expect(after.messages).toBeGreaterThanOrEqual(before.messages);
      expect(after.nodes).toBeGreaterThanOrEqual(before.nodes);

      rmSync(filler);
      await finishReplay(dataDir, SAMPLE_DIR);
      const totals = await storeTotals(dataDir);
      report(
        `disk full during ${where}: exit ${code}, "${failureLines[0]?.slice(0, 160) ?? ''}"; ${before.messages} ` +
          `messages before, ${after.messages} after the failure, ${totals.messages} after the full replay`,
      );
      expect(totals.messages).toBe(SAMPLE_CHATTER_EVENTS);
    }, 240_000);
  }
});

const canUnshare = spawnSync('unshare', ['-p', '-f', '--mount-proc', 'true']).status === 0;

describe('the writer lock', () => {
  it.skipIf(!canUnshare)(
    'PID 1 in a fresh PID namespace takes over the lock of a PID 1 killed before it',
    async () => {
      const dataDir = tempDir();
      const tsx = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
      const asPid1 = () =>
        spawnGroup(
          'unshare',
          ['-p', '-f', '--mount-proc', process.execPath, '--import', tsx, CLI, 'start', '--rate', '200'],
          baseEnv(dataDir),
          REPO_ROOT,
        );
      const first = asPid1();
      await first.waitFor(READY, 90_000);
      const lock = JSON.parse(readFileSync(join(dataDir, 'writer.lock'), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(1);
      first.signalGroup('SIGKILL');
      await exitOf(first);

      const second = asPid1();
      await second.waitFor(READY, 90_000);
      // A live PID 1 of another namespace (another container on the same volume) is not taken over.
      const third = asPid1();
      const refused = await exitOf(third);
      expect(refused.code, third.output().slice(-2000)).not.toBe(0);
      expect(third.output()).toMatch(/in use by process 1/);
      noStackTrace(third.output());
      second.signalGroup('SIGINT');
      const { code } = await exitOf(second);
      expect(code, second.output().slice(-2000)).toBe(0);
      expect(second.output()).not.toMatch(/in use by process 1/);
      report('PID 1: the restarted PID 1 took over the killed one’s lock and stopped with exit 0');
    },
    180_000,
  );

  it('6 processes taking over a stale lock at once, 50 rounds: exactly one winner each round', async () => {
    const root = tempDir();
    const rounds = 50;
    const contenders = 6;
    // A PID that is certainly dead: a process that has exited.
    const deadPid = Number(execFileSync('sh', ['-c', 'echo $$']).toString().trim());
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    for (let round = 0; round < rounds; round += 1) {
      const dir = join(root, `round-${round}`);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'writer.lock'),
        `${JSON.stringify({ pid: deadPid, host: hostname(), command: 'dead', startedAt: '', bootId: boot })}\n`,
      );
    }
    const tsx = join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs');
    const script = join(REPO_ROOT, 'test/integration/durability/lock-contender.ts');
    const procs = Array.from({ length: contenders }, (_, id) =>
      spawnGroup(
        process.execPath,
        ['--import', tsx, script, root, String(id), String(rounds)],
        {},
        REPO_ROOT,
      ),
    );
    try {
      // All contenders loaded and polling before the first round starts.
      await sleep(5_000);
      const winners: number[] = [];
      for (let round = 0; round < rounds; round += 1) {
        writeFileSync(join(root, `go-${round}`), '');
        const deadline = Date.now() + 60_000;
        let results: string[] = [];
        while (Date.now() < deadline) {
          results = readdirSync(root).filter((n) => n.startsWith(`result-${round}-`));
          if (results.length === contenders) break;
          await sleep(10);
        }
        expect(results.length).toBe(contenders);
        winners.push(results.filter((n) => readFileSync(join(root, n), 'utf8') === 'won').length);
      }
      writeFileSync(join(root, 'done'), '');
      report(
        `lock takeover: ${contenders} contenders × ${rounds} rounds, winners per round ${JSON.stringify([...new Set(winners)])}`,
      );
      expect(winners).toEqual(Array.from({ length: rounds }, () => 1));
      for (const proc of procs) expect((await exitOf(proc, 30_000)).code).toBe(0);
    } finally {
      for (const proc of procs) proc.signalGroup('SIGKILL');
    }
  }, 240_000);
});
