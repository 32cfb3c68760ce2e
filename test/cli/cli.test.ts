import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-harness.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { useTempDirs } from '../support/temp-dir.js';

describe('twitchgraph CLI', () => {
  const tempDir = useTempDirs();

  it('imports the demo data, then answers /top games from the saved store', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    const imported = await runCli(['import', '--data', demoDatasetDir()], env);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/chatters\.csv\s+28,950 read\s+28,950 written\s+0 rejected/);
    const asked = await runCli(['ask', '/top games 5'], env);
    expect(asked.code).toBe(0);
    const lines = asked.out.split('\n');
    const first = lines.findIndex((l) => /^1\s/.test(l));
    expect(
      [lines[first], lines[first + 1]].map((l) => l?.replace(/^\d\s+/, '').replace(/\s+/g, ' ')).sort(),
    ).toEqual(['Grand Theft Auto V 7', 'League of Legends 7']);
  });

  it('says in one line when the data directory is missing or holds no seed files', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    const missing = join(tempDir(), 'nowhere');
    const result = await runCli(['import', '--data', missing], env);
    expect(result.code).toBe(1);
    expect(result.err).toBe(`twitchgraph import: ${missing}: no such directory\n`);
    const empty = tempDir();
    const none = await runCli(['import', '--data', empty], env);
    expect(none.code).toBe(1);
    expect(none.err.trim().split('\n')).toEqual([
      `twitchgraph import: ${empty}: no seed CSV files here (expected streamers.csv, teams.csv, vips.csv, moderators.csv, chatters.csv)`,
    ]);
  });

  it('exits 3 when the streamer asked about is not in the graph, suggesting close names', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    await runCli(['import', '--data', demoDatasetDir()], env);
    const result = await runCli(['ask', '/streamer lck_koera'], env);
    expect(result.code).toBe(3);
    expect(result.out).toContain('No streamer called "lck_koera". Did you mean lck_korea?');
    expect((await runCli(['ask', '/streamer lck_korea'], env)).code).toBe(0);
  });

  it('prints /stats as JSON keyed by label and relationship type', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    await runCli(['import', '--data', demoDatasetDir()], env);
    const { code, out } = await runCli(['ask', '/stats', '--json'], env);
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { data: Record<string, number> };
    expect(parsed.data.CHATTER).toBe(28_950);
    expect(parsed.data.Stream).toBe(57);
  });

  it('exits 2 with one clear line and the usage for an unknown command or a bad argument', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    const unknown = await runCli(['ask', '/frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.err.split('\n')[0]).toBe(
      'twitchgraph ask: unknown command /frobnicate; commands: /top /streamer /streamers /stats /pagerank /betweenness /vip-candidates /overlap /communities /monitor /alerts /help',
    );
    expect(unknown.err).toContain('/top games [limit]');
    const bad = await runCli(['ask', '/top', 'games', 'many'], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('limit must be a whole number');
    expect(bad.out).toContain('Usage: /top games [limit]');
  });

  it('exits non-zero for a CSV with a broken row, naming file and line, and keeps the good rows', async () => {
    const data = tempDir();
    writeFileSync(
      join(data, 'streamers.csv'),
      'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at\n' +
        '1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n',
    );
    writeFileSync(join(data, 'chatters.csv'), 'user_id,chatter_login\n10,kim\n10\n10,lee\n');
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    const result = await runCli(['import', '--data', data], env);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `${join(data, 'chatters.csv')}:3: expected 2 columns (user_id,chatter_login), got 1`,
    );
    expect(result.out).toMatch(/finished with rejected rows/);
    const asked = await runCli(['ask', '/streamer', 'alpha', '--json'], env);
    expect(
      (JSON.parse(asked.out) as { data: { chatters: { login: string }[] } }).data.chatters.map(
        (c) => c.login,
      ),
    ).toEqual(['kim', 'lee']);
  });

  it('flags the bots named in BOT_LOGINS_EXTRA', async () => {
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    await runCli(['import', '--data', demoDatasetDir()], env);
    const before = await runCli(['ask', '/top', 'moderators', '1', '--json'], env);
    expect((JSON.parse(before.out) as { data: { name: string }[] }).data[0]?.name).toBe('ssakdook');
    const after = await runCli(['ask', '/top', 'moderators', '5', '--json'], {
      ...env,
      BOT_LOGINS_EXTRA: 'SSAKDOOK',
    });
    const reply = JSON.parse(after.out) as { data: { name: string }[]; notes: string[] };
    expect(reply.data.map((r) => r.name)).not.toContain('ssakdook');
    expect(reply.notes.join(' ')).toContain('ssakdook (listed as a bot in BOT_LOGINS_EXTRA');
  });

  it('reports a bad configuration and exits 2', async () => {
    const result = await runCli(['ask', '/stats'], { GRAPH_BATCH_SIZE: 'x' });
    expect(result.code).toBe(2);
    expect(result.err).toContain('GRAPH_BATCH_SIZE: expected a whole number (got "x")');
  });

  it('rejects unknown options with exit code 2', async () => {
    const result = await runCli(['import', '--frob']);
    expect(result.code).toBe(2);
    expect(result.err).toContain("unknown option '--frob'");
  });

  it('runs as a program', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'src/cli.ts',
      '--help',
    ]);
    expect(stdout).toContain('Usage: twitchgraph');
    for (const sub of ['import', 'ask', 'generate', 'start']) expect(stdout).toContain(sub);
  });
});
