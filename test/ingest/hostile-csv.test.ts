import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { Rejection } from '../../src/ingest/csv/seed-importer.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { readCsvRecords } from '../../src/ingest/csv/csv-lines.js';
import { useTempDirs } from '../support/temp-dir.js';

const STREAMERS_HEADER =
  'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at';
const ONE_STREAMER = `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n`;

async function importFiles(dir: string, files: Record<string, string | Buffer>) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const rejections: Rejection[] = [];
  const store = EmbeddedGraphStore.inMemory();
  const summary = await importSeedDirectory(dir, store, { onReject: (r) => rejections.push(r) });
  const where = rejections.map((r) => {
    const file = r.file.slice(dir.length + 1);
    return r.lastLine === undefined || r.lastLine === r.line
      ? `${file}:${r.line}`
      : `${file}:${r.line}-${r.lastLine}`;
  });
  return { summary, rejections, where, store };
}

describe('hostile CSV input (issue 14)', () => {
  const tempDir = useTempDirs();

  it('finding 1: rows after an unclosed quote are read, not lost', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `10,user${String(i).padStart(4, '0')}`);
    rows[9] = '10,"broken"login'; // file line 11
    const { summary, where, rejections } = await importFiles(tempDir(), {
      'streamers.csv': ONE_STREAMER,
      'chatters.csv': `user_id,chatter_login\n${rows.join('\n')}\n`,
    });
    const chatters = summary.files.find((f) => f.file.endsWith('chatters.csv'));
    expect(where).toEqual(['chatters.csv:11']);
    // csv-parse's own "at line 1" counted within the record; the reason leaves it out.
    expect(rejections[0]?.reason).toBe(
      'malformed CSV: text follows a closing quote (a quote inside a quoted field is written "")',
    );
    expect(chatters).toMatchObject({ read: 1000, written: 999, rejected: 1, skipped: 0 });
  });

  it('finding 1: a quote opened and never closed costs one line, and the reader resynchronises', async () => {
    const { summary, where } = await importFiles(tempDir(), {
      'streamers.csv': ONE_STREAMER,
      'chatters.csv': 'user_id,chatter_login\n10,kim\n10,"open\n10,lee\n10,park\n',
    });
    expect(where).toEqual(['chatters.csv:3']);
    const chatters = summary.files.find((f) => f.file.endsWith('chatters.csv'));
    expect(chatters).toMatchObject({ read: 4, written: 3, rejected: 1 });
  });

  it('finding 1: a multi-line record that cannot be read is reported as a range', async () => {
    const { where, rejections } = await importFiles(tempDir(), {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,"two\nlines",1,2020-01-01 00:00:00,extra\n2,20,bravo,Bravo,Go,en,x,1,d,1,2020-01-01 00:00:00\n`,
    });
    expect(where).toEqual(['streamers.csv:2-3']);
    expect(rejections[0]?.reason).toContain('expected 11 columns');
  });

  it('finding 2: CRLF files report the right line numbers', async () => {
    const lines = ['user_id,chatter_login', '10,kim', '10,lee', 'x,bad', '10,park', '10,', '10,"bro"ken'];
    const { where } = await importFiles(tempDir(), {
      'streamers.csv': ONE_STREAMER.replace(/\n/g, '\r\n'),
      'chatters.csv': `${lines.join('\r\n')}\r\n`,
    });
    expect(where).toEqual(['chatters.csv:4', 'chatters.csv:6', 'chatters.csv:7']);
  });

  it('finding 3: bytes that are not UTF-8 are reported with file:line', async () => {
    const bad = Buffer.concat([
      Buffer.from('user_id,chatter_login\n10,kim\n10,caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n10,lee\n'),
    ]);
    const { where, rejections, summary } = await importFiles(tempDir(), {
      'streamers.csv': ONE_STREAMER,
      'chatters.csv': bad,
    });
    expect(where).toEqual(['chatters.csv:3']);
    expect(rejections[0]?.reason).toMatch(/not UTF-8/);
    expect(summary.written).toBe(3);
  });

  it('finding 3: a description longer than Twitch allows is cut to 300 characters with a note', async () => {
    const long = 'x'.repeat(50_000);
    const { summary, store } = await importFiles(tempDir(), {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,${long},1,2020-01-01 00:00:00\n`,
    });
    const description = (await store.findStreamer('alpha'))?.description ?? '';
    expect(description.length).toBeLessThanOrEqual(300);
    expect(summary.files[0]?.truncated).toBe(1);
  });

  it('finding 3: a multi-megabyte line is reported with its line, not held whole, and the next row imports', async () => {
    const huge = 'y'.repeat(5 * 1024 * 1024);
    const { where, rejections, summary } = await importFiles(tempDir(), {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,"${huge}",1,2020-01-01 00:00:00\n2,20,bravo,Bravo,Go,en,x,1,d,1,2020-01-01 00:00:00\n`,
    });
    expect(where).toEqual(['streamers.csv:2']);
    expect(rejections[0]?.reason).toContain('longer than 1 MiB');
    expect(summary.files[0]).toMatchObject({ read: 2, written: 1, rejected: 1 });
  });

  it('accounts for every line of a messy file: each is in one record, or blank', async () => {
    const dir = tempDir();
    const text = [
      'user_id,chatter_login',
      '10,kim',
      '',
      '10,"open',
      '10,"two',
      'lines"',
      '10,"bro"ken',
      '\r',
      '10,lee,extra',
      '10,"x""y"',
      '"unclosed',
      '10,park',
    ].join('\n');
    writeFileSync(join(dir, 'chatters.csv'), text);
    const covered: number[] = [];
    for await (const chunk of readCsvRecords(join(dir, 'chatters.csv')))
      for (const r of chunk) {
        const last = r.kind === 'blank' ? r.line : r.lastLine;
        for (let l = r.line; l <= last; l += 1) covered.push(l);
      }
    expect(covered).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
  });

  it('finding 3: logins and display names beyond Twitch limits are rejected with a reason', async () => {
    const { where, rejections } = await importFiles(tempDir(), {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,${'A'.repeat(60)},Chess,en,x,1,d,1,2020-01-01 00:00:00\n2,20,bravo,Bravo,Go,en,x,1,d,1,2020-01-01 00:00:00\n`,
      'chatters.csv': `user_id,chatter_login\n20,${'a'.repeat(26)}\n20,bad\u001b[2j\n20,fine\n`,
    });
    expect(where).toEqual(['streamers.csv:2', 'chatters.csv:2', 'chatters.csv:3']);
    expect(rejections[0]?.reason).toContain('user_name');
    expect(rejections[1]?.reason).toContain('25');
  });

  it('finding 3: duplicate rows are counted as skipped, not written', async () => {
    const { summary } = await importFiles(tempDir(), {
      'streamers.csv': ONE_STREAMER,
      'teams.csv': 'user_id,team_name\n10,alpha team\n10,alpha team\n10,beta team\n',
    });
    const teams = summary.files.find((f) => f.file.endsWith('teams.csv'));
    expect(teams).toMatchObject({ read: 3, written: 2, skipped: 1, rejected: 0 });
  });
});
