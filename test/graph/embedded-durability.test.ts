import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open as openFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore, SNAPSHOT_FILE } from '../../src/graph/embedded/embedded-store.js';
import { writeAll } from '../../src/util/durable-file.js';
import { LOCK_FILE, processStartTicks } from '../../src/graph/embedded/writer-lock.js';
import { GraphStoreError } from '../../src/graph/graph-store.port.js';
import { activity, seedSmallGraph } from '../contract/graph-store.contract.js';
import { useTempDirs } from '../support/temp-dir.js';

const open = (dataDir: string, extra: Partial<Parameters<typeof EmbeddedGraphStore.open>[0]> = {}) =>
  EmbeddedGraphStore.open({ dataDir, command: 'test', snapshotMinIntervalMs: 60_000, ...extra });

const journalFiles = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('journal-'));

/** Messages on every CHATTER edge, read back through the port. */
async function messagesOf(store: EmbeddedGraphStore, channelId: string): Promise<number> {
  const audience = (await store.channelAudience(channelId)) ?? [];
  return audience.reduce((sum, a) => sum + (a.messages ?? 0), 0);
}

describe('embedded store journal', () => {
  const tempDir = useTempDirs();

  it('makes a write durable before it returns: a reader sees it with no snapshot taken', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.applyChatActivity(
      [activity('1', 'kim', { messages: 7 })],
      [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '5' }],
    );
    expect(existsSync(join(dir, SNAPSHOT_FILE))).toBe(false);
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect(await reader.counts()).toEqual(await store.counts());
    expect(await reader.readOffsets('g', 't')).toEqual([
      { group: 'g', topic: 't', partition: 0, offset: '5' },
    ]);
    await reader.close();
    await store.close();
  });

  it('recovers every acknowledged write of a process killed without closing, and counts none twice', async () => {
    const dir = tempDir();
    // A child process writes 50 batches, says how many returned, and is killed with SIGKILL.
    const script = `
      import { EmbeddedGraphStore } from './src/graph/embedded/embedded-store.ts';
      const store = await EmbeddedGraphStore.open({ dataDir: ${JSON.stringify(dir)}, command: 'child', snapshotMinIntervalMs: 5 });
      await store.upsertStreamers([{ id: '1', login: 'alpha', displayName: 'Alpha', game: null, language: null,
        url: '', followers: 0, totalViewCount: 0, createdAt: null, description: '' }]);
      for (let i = 0; i < 50; i += 1) {
        await store.applyChatActivity(
          [{ channelId: '1', channelLogin: null, login: 'u' + (i % 7), messages: 1, firstSeen: i, lastSeen: i,
             days: [0], moderator: false, vip: false, subscriber: false }],
          [{ group: 'g', topic: 't', partition: 0, from: String(i), offset: String(i + 1) }]);
        process.stdout.write('ok ' + (i + 1) + '\\n');
      }
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let acknowledged = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (data: Buffer) => {
        for (const match of data.toString().matchAll(/ok (\d+)/g)) acknowledged = Number(match[1]);
        if (acknowledged >= 50) resolve();
      });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));

    const store = await open(dir);
    const [offset] = await store.readOffsets('g', 't');
    expect(offset?.offset).toBe('50');
    expect(await messagesOf(store, '1')).toBe(50);
    await store.close();
  });

  it('ignores a write cut short at the end of the journal, and refuses garbage before good entries', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    const counts = await store.counts();
    // A crash while closing would leave the journal as it is; simulate one by reading before close.
    const [segment] = journalFiles(dir);
    expect(segment).toBeDefined();
    const file = join(dir, segment ?? '');
    appendFileSync(file, '{"seq":99,"op":"chatters","rows":[{"stre');
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect(await reader.counts()).toEqual(counts);
    await reader.close();

    const lines = readFileSync(file, 'utf8').split('\n');
    lines.splice(1, 0, 'garbage');
    writeFileSync(file, lines.join('\n'));
    await expect(EmbeddedGraphStore.open({ dataDir: dir, readOnly: true })).rejects.toThrow(
      /journal .* unreadable at line/,
    );
    await store.close().catch(() => undefined);
  });

  it('goes on after a crash that cut the first entry of a segment short (a full disk), and keeps loading', async () => {
    const dir = tempDir();
    const first = await open(dir);
    await seedSmallGraph(first);
    await first.close();
    const header = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8').split('\n')[0] ?? '{}') as {
      journalSeq: number;
    };
    // The next writer's first entry, cut short: what a full disk mid-write leaves behind.
    const next = header.journalSeq + 1;
    writeFileSync(
      join(dir, `journal-${String(next).padStart(12, '0')}.ndjson`),
      `{"seq":${next},"op":"chat","rows":[{"chann`,
    );

    const store = await open(dir);
    const before = await messagesOf(store, '1');
    await store.applyChatActivity([activity('1', 'kim', { messages: 3 })], []);
    await store.applyChatActivity([activity('1', 'kim', { messages: 4 })], []);
    expect(await messagesOf(store, '1')).toBe(before + 7);
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    expect(await reader.counts()).toEqual(await store.counts());
    expect(await messagesOf(reader, '1')).toBe(before + 7);
    await reader.close();
    await store.close();
  });

  it('writes concurrent batches with shared syncs and keeps each exactly once', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.addChatters([{ streamerId: '2', login: `viewer${i}` }])),
    );
    const lines = journalFiles(dir)
      .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
      .filter((l) => l !== '');
    const seqs = lines.map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const before = await store.counts();
    await store.close();
    const again = await open(dir);
    expect(await again.counts()).toEqual(before);
    await again.close();
  });

  it('replays the entries after the snapshot from a segment whose first entries the snapshot holds', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.addChatters([{ streamerId: '1', login: 'late1' }]);
    await store.close();
    // Closing saved a snapshot of every entry and left the segment; one more entry after it, as a writer
    // that died before its next snapshot leaves it (entries are skipped unparsed up to the snapshot's).
    const header = JSON.parse(readFileSync(join(dir, SNAPSHOT_FILE), 'utf8').split('\n')[0] ?? '{}') as {
      journalSeq: number;
    };
    const newest = join(dir, journalFiles(dir).sort().at(-1) ?? '');
    const seqs = readFileSync(newest, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    expect(seqs.length).toBeGreaterThan(1);
    expect(Math.max(...seqs)).toBe(header.journalSeq);
    const next = header.journalSeq + 1;
    appendFileSync(
      newest,
      `${JSON.stringify({ seq: next, op: 'chatters', rows: [{ streamerId: '1', login: 'late2' }] })}\n`,
    );
    const reader = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    const logins = (await reader.channelAudience('1'))?.map((a) => a.login) ?? [];
    expect(logins.filter((l) => l.startsWith('late'))).toEqual(['late1', 'late2']);
    await reader.close();
  });

  it('folds the journal into snapshots and drops what two snapshots hold', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.flush();
    await store.addChatters([{ streamerId: '1', login: 'late1' }]);
    await store.flush();
    await store.addChatters([{ streamerId: '1', login: 'late2' }]);
    await store.flush();
    // Segments before the snapshot kept as .prev are gone; the ones after it remain for a fall-back.
    expect(journalFiles(dir).length).toBeLessThanOrEqual(3);
    const counts = await store.counts();
    await store.close();
    // The newest snapshot damaged: the previous one and the journal after it give the same graph.
    const file = join(dir, SNAPSHOT_FILE);
    writeFileSync(file, readFileSync(file, 'utf8').replace('late2', 'late3'));
    const warnings: string[] = [];
    const again = await open(dir, { onWarning: (m) => warnings.push(m) });
    expect(await again.counts()).toEqual(counts);
    expect(warnings.join('\n')).toMatch(/unreadable at line \d+.*using the previous snapshot/);
    await again.close();
  });

  it('removes the unfinished files of a process that died mid-save when a writer opens, and says so', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${SNAPSHOT_FILE}.4242.tmp`), '{"format":"twitchgraph-snap');
    writeFileSync(join(dir, 'start-replay.json.4242.tmp'), '{"fi');
    writeFileSync(join(dir, 'notes.tmp'), 'not ours');
    const warnings: string[] = [];
    const store = await open(dir, { onWarning: (m) => warnings.push(m) });
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual(['notes.tmp']);
    expect(warnings.join('\n')).toMatch(/removed 2 unfinished/);
    await store.close();
  });

  it('refuses a snapshot whose content was changed but still parses (checksum)', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    await store.close();
    const file = join(dir, SNAPSHOT_FILE);
    const { rmSync } = await import('node:fs');
    rmSync(`${file}.prev`, { force: true });
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"followers":(\d)/, '"followers":9$1'));
    await expect(open(dir)).rejects.toThrow(/checksum does not match/);
  });

  it('refuses further writes once one could not be saved, and says why in one line', async () => {
    const dir = tempDir();
    const store = await open(dir);
    await seedSmallGraph(store);
    // The data directory disappears from under the store: the next journal segment cannot be created.
    await store.flush();
    const { rmSync } = await import('node:fs');
    rmSync(dir, { recursive: true, force: true });
    const error = await store.addChatters([{ streamerId: '1', login: 'x' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphStoreError);
    expect((error as GraphStoreError).code).toBe('JOURNAL_WRITE_FAILED');
    expect((error as Error).message).not.toContain('\n');
    await expect(store.addChatters([{ streamerId: '1', login: 'y' }])).rejects.toThrow(/journal/);
    await expect(store.close()).rejects.toThrow(/journal/);
  });
});

describe('snapshot writes', () => {
  const tempDir = useTempDirs();

  it('goes on after short writes and fails on a write that makes no progress', async () => {
    const dir = tempDir();
    const real = await openFile(join(dir, 'out'), 'w');
    let calls = 0;
    // A file layer that writes at most 3 bytes a call, as a filling disk does, then nothing.
    const short = {
      write: async (bytes: Uint8Array, offset: number, length: number) => {
        calls += 1;
        if (calls > 10) return { bytesWritten: 0, buffer: bytes };
        return real.write(bytes, offset, Math.min(3, length));
      },
    } as unknown as FileHandle;
    await writeAll(short, Buffer.from('0123456789abcdef'.slice(0, 12)));
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('0123456789ab');
    await expect(writeAll(short, Buffer.from('more bytes than fit'))).rejects.toMatchObject({
      code: 'ENOSPC',
    });
    await real.close();
  });
});

describe('writer lock after PID reuse', () => {
  const tempDir = useTempDirs();
  const lockOf = (dir: string, owner: object) =>
    writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ host: hostname(), command: 'old', startedAt: 'x', ...owner }),
    );

  it('takes over a lock naming this very PID from an earlier life (PID 1 in a container)', async () => {
    const dir = tempDir();
    lockOf(dir, { pid: process.pid });
    const store = await open(dir);
    await store.close();
  });

  it('takes over a lock whose PID now belongs to a process started later', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => child.on('spawn', resolve));
      const ticks = processStartTicks(child.pid ?? 0);
      expect(ticks).toBeDefined();
      lockOf(dir, { pid: child.pid, startTicks: String(Number(ticks) - 1000) });
      const store = await open(dir);
      await store.close();
      // The same PID with its real start time is a live holder.
      lockOf(dir, { pid: child.pid, startTicks: ticks });
      await expect(open(dir)).rejects.toThrow(/in use by process/);
    } finally {
      child.kill();
    }
  });

  it('judges a lock of another host by its heartbeat: refused while it beats, taken over once it stops', async () => {
    const dir = tempDir();
    // A recreated container has a new hostname; the old one's lock must not block it for ever.
    lockOf(dir, { pid: 1, host: 'old-container', pidNs: 'pid:[1]' });
    const lock = join(dir, LOCK_FILE);
    // The holder's heartbeat, from another process (taking the lock blocks this one's event loop).
    const beating = spawn('sh', ['-c', `while true; do touch '${lock}'; sleep 0.5; done`], {
      stdio: 'ignore',
    });
    try {
      await expect(open(dir)).rejects.toThrow(/in use by process 1 \(old, on old-container/);
    } finally {
      beating.kill();
    }
    const { utimesSync } = await import('node:fs');
    const old = new Date(Date.now() - 11_000);
    utimesSync(lock, old, old);
    const store = await open(dir);
    await store.close();
  }, 60_000);

  it("keeps its own lock's heartbeat beating in a process whose eval code is a module", async () => {
    const dir = tempDir();
    // --input-type=module is inherited by worker threads; the heartbeat once died there on `require`.
    const script = `
      import { EmbeddedGraphStore } from './src/graph/embedded/embedded-store.ts';
      await EmbeddedGraphStore.open({ dataDir: ${JSON.stringify(dir)}, command: 'child' });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    try {
      await new Promise<void>((resolve) => child.stdout.on('data', () => resolve()));
      const { statSync, utimesSync } = await import('node:fs');
      const lock = join(dir, LOCK_FILE);
      const old = new Date(Date.now() - 5_000);
      utimesSync(lock, old, old);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(2_000);
      expect(stderr).not.toMatch(/heartbeat|require is not defined/);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

  it('takes over a lock written before the machine booted', async () => {
    const dir = tempDir();
    lockOf(dir, { pid: 1, bootId: 'another-boot' });
    const store = await open(dir);
    await store.close();
  });
});
