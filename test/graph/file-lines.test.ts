import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/graph/embedded/journal.js';
import { replayJournal } from '../../src/graph/embedded/journal.js';
import { fileLineBatches } from '../../src/graph/embedded/file-lines.js';
import { useTempDirs } from '../support/temp-dir.js';

async function linesOf(file: string, chunkBytes: number): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of fileLineBatches(file, chunkBytes))
    for (const line of batch) lines.push(line.toString('utf8'));
  return lines;
}

const entry = (seq: number, login: string) =>
  JSON.stringify({ seq, op: 'chatters', rows: [{ streamerId: '1', login }] });

describe('store files read as lines of bytes', () => {
  const tempDir = useTempDirs();

  it('gives the same lines whatever the chunk size: lines across chunks, multi-byte text cut by a chunk, CRLF, no final newline', async () => {
    const file = join(tempDir(), 'journal-000000000001.ndjson');
    const text = `${entry(1, 'ünïcødé_日本')}\r\n\n${entry(2, 'b'.repeat(40))}\n${entry(3, 'ç')}`;
    writeFileSync(file, text);
    const expected = [`${entry(1, 'ünïcødé_日本')}\r`, '', entry(2, 'b'.repeat(40)), entry(3, 'ç')];
    for (const chunk of [1, 2, 3, 7, 64, 1 << 20]) expect(await linesOf(file, chunk)).toEqual(expected);
  });

  it('replays a segment with CRLF line ends, skips what the snapshot holds, and refuses a torn entry before good ones', async () => {
    const dir = tempDir();
    const file = join(dir, 'journal-000000000001.ndjson');
    writeFileSync(file, `${entry(1, 'a')}\r\n${entry(2, 'b')}\r\n${entry(3, 'c')}\r\n`);
    const seen: [number, JournalEntry][] = [];
    expect(await replayJournal(dir, 1, (e, seq) => seen.push([seq, e]))).toBe(3);
    expect(seen.map(([seq, e]) => [seq, e.op === 'chatters' ? e.rows[0]?.login : e.op])).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);

    // A covered entry cut short in the middle of a segment is still corruption, though it is not applied.
    writeFileSync(file, `${entry(1, 'a').slice(0, 20)}\n${entry(2, 'b')}\n`);
    await expect(replayJournal(dir, 2, () => undefined)).rejects.toThrow(
      /journal .*journal-000000000001\.ndjson is unreadable at line 1/,
    );
  });
});
