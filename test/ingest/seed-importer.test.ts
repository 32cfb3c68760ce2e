import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { Rejection } from '../../src/ingest/csv/seed-importer.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { useTempDirs } from '../support/temp-dir.js';

const STREAMERS_HEADER =
  'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at';

function writeDataset(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

describe('seed CSV import', () => {
  const tempDir = useTempDirs();

  it('imports the demo dataset: every row, the seed counts, the top games', async () => {
    const store = EmbeddedGraphStore.inMemory();
    const rejections: Rejection[] = [];
    const summary = await importSeedDirectory(demoDatasetDir(), store, {
      onReject: (r) => rejections.push(r),
    });
    expect(rejections).toEqual([]);
    expect(summary.rejected).toBe(0);
    expect(summary.files.map((f) => [f.read, f.written])).toEqual([
      [57, 57],
      [50, 50],
      [305, 305],
      [457, 457],
      [28_950, 28_950],
    ]);
    const counts = await store.counts();
    expect(counts.byType).toEqual({
      CHATTER: 28_950,
      VIP: 305,
      MODERATOR: 457,
      PLAYS: 56,
      SPEAKS: 57,
      IS_PART_OF: 50,
    });
    expect(counts.byLabel.Stream).toBe(57);
    const games = await store.topGames(2);
    expect(games.map((g) => g.count)).toEqual([7, 7]);
    expect(games.map((g) => g.name).sort()).toEqual(['Grand Theft Auto V', 'League of Legends']);
    // Logins that a spreadsheet turned into numbers are kept (the seed kept them) but counted as odd.
    expect(summary.files[4]?.oddLogins).toBe(22);
  });

  it('keeps quoted commas, line breaks and Korean text intact', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), store);
    const lck = await store.findStreamer('lck_korea');
    expect(lck?.description).toContain('LCK 트위치 공식 중계 채널입니다.');
    expect(lck?.createdAt).toBe('2018-01-15T01:40:09.577Z');
    expect(lck?.followers).toBe(972_515);
    const dir = tempDir();
    writeDataset(dir, {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,multi,Multi,"Game, with comma",ko,x,5,"line one\nline, two ""quoted""\n세 번째 줄",7,2020-01-01 00:00:00\n`,
    });
    await importSeedDirectory(dir, store);
    const multi = await store.findStreamer('multi');
    expect(multi?.game).toBe('Game, with comma');
    expect(multi?.description).toBe('line one\nline, two "quoted"\n세 번째 줄');
  });

  it('is idempotent: importing twice gives the same graph', async () => {
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), store);
    const once = await store.counts();
    const topOnce = await store.topRoleHolders('MODERATOR', 20);
    await importSeedDirectory(demoDatasetDir(), store);
    expect(await store.counts()).toEqual(once);
    expect(await store.topRoleHolders('MODERATOR', 20)).toEqual(topOnce);
  });

  it('reports each bad row as file:line, imports the good ones and counts the rest', async () => {
    const dir = tempDir();
    writeDataset(dir, {
      'streamers.csv': [
        STREAMERS_HEADER,
        '1,10,alpha,Alpha,Chess,en,x,100,"two\nlines",1000,2020-01-01 00:00:00',
        '2,abc,bravo,Bravo,Chess,en,x,100,d,1000,2020-01-01 00:00:00',
        '3,30,charlie,Charlie,Go,en,x,-5,d,1000,2020-01-01 00:00:00',
        '4,40,delta,Delta,Go,en,x,5,d,1000,not a date',
        '5,50,echo,Echo,Go,en,x,5,d,1000',
        '6,60,foxtrot,Foxtrot,Go,en,x,5,d,1000,2020-01-01 00:00:00',
      ].join('\n'),
      'chatters.csv': 'user_id,chatter_login\n10,kim\n10,\n\n999,lee\n60,has space\n60,park\n',
    });
    const rejections: Rejection[] = [];
    const store = EmbeddedGraphStore.inMemory();
    const summary = await importSeedDirectory(dir, store, { onReject: (r) => rejections.push(r) });
    const where = rejections.map((r) => `${r.file.slice(dir.length + 1)}:${r.line}`);
    expect(where).toEqual([
      'streamers.csv:4',
      'streamers.csv:5',
      'streamers.csv:6',
      'streamers.csv:7',
      'chatters.csv:3',
      'chatters.csv:5',
      'chatters.csv:6',
    ]);
    expect(rejections[0]?.reason).toContain('user_id');
    expect(rejections[1]?.reason).toContain('followers');
    expect(rejections[2]?.reason).toContain('not a date');
    expect(rejections[3]?.reason).toContain('expected 11 columns');
    expect(rejections[4]?.reason).toContain('chatter_login');
    expect(rejections[5]?.reason).toContain('999 is not a known streamer');
    expect(rejections[6]?.reason).toContain('whitespace');
    expect(summary.rejected).toBe(7);
    expect(summary.written).toBe(4);
    expect((await store.listNames('streamer')).sort()).toEqual(['alpha', 'foxtrot']);
    expect((await store.neighbourhood('60', { chatterLimit: 5 }))?.chatters.map((c) => c.login)).toEqual([
      'park',
    ]);
    expect(summary.files.find((f) => f.file.endsWith('teams.csv'))?.present).toBe(false);
  });

  it('stops at the first bad row with strict, keeping the rows before it', async () => {
    const dir = tempDir();
    writeDataset(dir, {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n`,
      'chatters.csv': 'user_id,chatter_login\n10,kim\n10,lee\nx,bad\n10,park\n',
    });
    const store = EmbeddedGraphStore.inMemory();
    const rejections: Rejection[] = [];
    const summary = await importSeedDirectory(dir, store, {
      strict: true,
      onReject: (r) => rejections.push(r),
    });
    expect(summary.stopped).toBe(true);
    expect(rejections.map((r) => r.line)).toEqual([4]);
    expect((await store.neighbourhood('10', { chatterLimit: 10 }))?.chatters.map((c) => c.login)).toEqual([
      'kim',
      'lee',
    ]);
  });

  it('rejects a file with the wrong header and goes on with the others', async () => {
    const dir = tempDir();
    copyFileSync(join(demoDatasetDir(), 'streamers.csv'), join(dir, 'streamers.csv'));
    writeDataset(dir, {
      'teams.csv': 'user_id,team\n569342750,dreamsmp\n',
      'vips.csv': 'user_id,vip_login\n569342750,punz\n',
    });
    const rejections: Rejection[] = [];
    const store = EmbeddedGraphStore.inMemory();
    const summary = await importSeedDirectory(dir, store, { onReject: (r) => rejections.push(r) });
    expect(rejections).toHaveLength(1);
    expect(rejections[0]?.line).toBe(1);
    expect(rejections[0]?.reason).toBe('header is "user_id,team", expected "user_id,team_name"');
    expect((await store.counts()).byType.VIP).toBe(1);
    expect(summary.rejected).toBe(1);
  });

  it('reports a broken quote with its line and keeps the rows before it', async () => {
    const dir = tempDir();
    writeDataset(dir, {
      'streamers.csv': `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n`,
      'chatters.csv': 'user_id,chatter_login\n10,kim\n10,"bro"ken\n',
    });
    const rejections: Rejection[] = [];
    const store = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(dir, store, { onReject: (r) => rejections.push(r) });
    expect(rejections.map((r) => r.line)).toEqual([3]);
    expect(rejections[0]?.reason).toMatch(/malformed CSV/);
    expect((await store.counts()).byType.CHATTER).toBe(1);
  });

  it('says so when a directory has no seed files', async () => {
    await expect(importSeedDirectory(tempDir(), EmbeddedGraphStore.inMemory())).rejects.toThrow(
      /no seed CSV files here/,
    );
  });
});
