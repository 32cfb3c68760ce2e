/**
 * Hostile names through the CSV import path, over Bolt: quotes, backslashes, backticks, `$`, braces and
 * a Cypher fragment arrive as query parameters and come back byte for byte; nothing is deleted; the
 * graph equals the embedded store's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { emptyBoltStore } from '../support/bolt.js';

const INJECTION = '}) DETACH DELETE n //';

/** One CSV field, quoted the way a spreadsheet would (quotes doubled). */
const field = (value: string) => `"${value.replace(/"/g, '""')}"`;
const csv = (header: string, rows: string[][]) =>
  `${header}\n${rows.map((r) => r.map(field).join(',')).join('\n')}\n`;

let dir: string;
let bolt: BoltGraphStore;
let embedded: EmbeddedGraphStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twitchgraph-hostile-'));
  const header =
    'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at';
  writeFileSync(
    join(dir, 'streamers.csv'),
    csv(header, [
      [
        '1',
        '101',
        "o'brien",
        `O'Brien "the" \`tick\``,
        INJECTION,
        'en',
        '',
        '10',
        `back\\slash \\\\ ${INJECTION} $param`,
        '100',
        '',
      ],
      [
        '2',
        '102',
        'tick`tock',
        'Tick`Tock',
        'emoji 🎮 게임',
        'ko',
        '',
        '20',
        '"quoted"',
        '200',
        '2020-01-01 00:00:00',
      ],
      ['3', '103', 'back\\slash', 'Back\\Slash', '$param', 'en', '', '30', "it's", '300', ''],
    ]),
  );
  writeFileSync(
    join(dir, 'teams.csv'),
    csv('user_id,team_name', [
      ['101', INJECTION],
      ['101', 'a "quoted" team'],
      ['102', 'back\\slash'],
      ['102', '$param'],
      ['103', 'MATCH (n) DETACH DELETE n'],
    ]),
  );
  writeFileSync(
    join(dir, 'vips.csv'),
    csv('user_id,vip_login', [
      ['101', 'back\\slash'],
      ['102', '"quoted"'],
      ['103', "o'brien"],
    ]),
  );
  writeFileSync(
    join(dir, 'moderators.csv'),
    csv('user_id,moderator_login', [
      ['101', '$param'],
      ['102', "o'brien"],
      ['103', '})//'],
    ]),
  );
  writeFileSync(
    join(dir, 'chatters.csv'),
    csv('user_id,chatter_login', [
      ['101', 'tick`tock'],
      ['101', '})//'],
      ['102', 'back\\slash'],
      ['103', '`;drop'],
      ['103', '\\u0027'],
    ]),
  );
  bolt = await emptyBoltStore(inject('neo4jUrl'));
  embedded = EmbeddedGraphStore.inMemory();
});

afterAll(async () => {
  await bolt.close();
  await embedded.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('hostile names imported from CSV over Bolt', () => {
  it('imports every row, keeps every name verbatim, deletes nothing, and matches the embedded store', async () => {
    const summary = await importSeedDirectory(dir, bolt);
    expect(summary.rejected).toBe(0);
    expect(summary.written).toBe(3 + 5 + 3 + 3 + 5);
    await importSeedDirectory(dir, embedded);

    const counts = await bolt.counts();
    expect(counts).toEqual(await embedded.counts());
    expect(counts.byLabel.Stream).toBe(3);
    expect(counts.byLabel.Team).toBe(5);
    expect(counts.byType).toEqual({ CHATTER: 5, VIP: 3, MODERATOR: 3, PLAYS: 3, SPEAKS: 3, IS_PART_OF: 5 });

    for (const kind of ['streamer', 'game', 'language', 'team'] as const)
      expect(await bolt.listNames(kind)).toEqual(await embedded.listNames(kind));
    expect(await bolt.listNames('team')).toContain(INJECTION);
    expect(await bolt.listNames('streamer')).toEqual(['back\\slash', "o'brien", 'tick`tock']);

    const obrien = await bolt.findStreamer("O'BRIEN");
    expect(obrien).toMatchObject({
      displayName: `O'Brien "the" \`tick\``,
      game: INJECTION,
      description: `back\\slash \\\\ ${INJECTION} $param`,
    });
    for (const id of ['101', '102', '103'])
      expect(await bolt.neighbourhood(id, { chatterLimit: 10 })).toEqual(
        await embedded.neighbourhood(id, { chatterLimit: 10 }),
      );
    const both = async <T>(q: (s: GraphStore) => Promise<T>) =>
      expect(await q(bolt)).toEqual(await q(embedded));
    await both((s) => s.topRoleHolders('VIP', 10));
    await both((s) => s.topRoleHolders('MODERATOR', 10));
    await both((s) => s.streamersBy({ language: null, game: 'EMOJI 🎮 게임' }));
    // Node order in a view is not part of the contract (links are): compare nodes as a set.
    await both(async (s) => {
      const view = await s.connections([
        { kind: 'User', name: "o'brien" },
        { kind: 'User', name: '})//' },
      ]);
      return { ...view, nodes: [...view.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) };
    });

    // Importing again changes nothing, and a name that looks like Cypher finds nothing.
    await importSeedDirectory(dir, bolt);
    expect(await bolt.counts()).toEqual(counts);
    expect(await bolt.findStreamer(INJECTION)).toBeNull();
    expect(await bolt.counts()).toEqual(counts);
  });
});
