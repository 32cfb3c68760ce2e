/**
 * Any bytes in a seed CSV file: the import never throws, every physical line is accounted for (as part of
 * exactly one record, or as a blank line), and the summary adds up: read = written + rejected + skipped.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { readCsvRecords } from '../../src/ingest/csv/csv-lines.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { useTempDirs } from '../support/temp-dir.js';
import { FUZZ } from './fuzz-settings.js';

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('10', '20', 'kim', 'lee_1', 'Park', '', ' ', 'a'.repeat(30)) },
  { weight: 3, arbitrary: fc.constantFrom('"', '""', '"x,y"', '"multi\nline"', ',', '\r', '\n', '\r\n') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('\u0000', '\u001b[2J', '\ufeff', '\u2028', '𝕏') },
);
const row = fc.array(piece, { maxLength: 5 }).map((ps) => ps.join(','));
/** Bytes that are not UTF-8 now and then: a lone continuation byte or a cut multi-byte character. */
const badBytes = fc.constantFrom(
  Buffer.from([0x80]),
  Buffer.from([0xe9]),
  Buffer.from([0xf0, 0x9f]),
  Buffer.alloc(0),
);
const file = fc
  .tuple(fc.array(fc.tuple(row, badBytes), { maxLength: 40 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
  .map(([rows, eol, finalBreak]) => {
    const parts: Buffer[] = [Buffer.from(`user_id,chatter_login${eol}`)];
    rows.forEach(([text, bad], i) => {
      parts.push(Buffer.from(text), bad);
      if (i < rows.length - 1 || finalBreak) parts.push(Buffer.from(eol));
    });
    return Buffer.concat(parts);
  });

function physicalLines(bytes: Buffer): number {
  let breaks = 0;
  for (const b of bytes) if (b === 0x0a) breaks += 1;
  return bytes.length === 0 || bytes[bytes.length - 1] === 0x0a ? breaks : breaks + 1;
}

describe('fuzz: CSV files (issue 14)', () => {
  const tempDir = useTempDirs();

  it(`${FUZZ.csvFiles.numRuns} chatters files (seed ${FUZZ.csvFiles.seed}): every line accounted for, the summary adds up`, async () => {
    const streamers =
      'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at\n' +
      '1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n';
    await fc.assert(
      fc.asyncProperty(file, async (bytes) => {
        const dir = tempDir();
        writeFileSync(join(dir, 'streamers.csv'), streamers);
        writeFileSync(join(dir, 'chatters.csv'), bytes);

        // Every line is in exactly one record, in order: no gap, no overlap, none past the end.
        let next = 1;
        for await (const records of readCsvRecords(join(dir, 'chatters.csv'))) {
          for (const record of records) {
            const last = record.kind === 'blank' ? record.line : record.lastLine;
            expect(record.line).toBe(next);
            expect(last).toBeGreaterThanOrEqual(record.line);
            next = last + 1;
          }
        }
        expect(next - 1).toBe(physicalLines(bytes));

        const store = EmbeddedGraphStore.inMemory();
        const summary = await importSeedDirectory(dir, store);
        const chatters = summary.files.find((f) => f.file.endsWith('chatters.csv'));
        expect(chatters).toBeDefined();
        if (chatters !== undefined)
          expect(chatters.read).toBe(chatters.written + chatters.rejected + chatters.skipped);
        await store.close();
      }),
      { ...FUZZ.csvFiles, endOnFailure: true },
    );
  }, 180_000);
});
