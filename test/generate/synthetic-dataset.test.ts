import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateDataset } from '../../src/generate/synthetic-dataset.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { useTempDirs } from '../support/temp-dir.js';

const FILES = ['streamers.csv', 'teams.csv', 'vips.csv', 'moderators.csv', 'chatters.csv'];

describe('synthetic dataset', () => {
  const tempDir = useTempDirs();

  it('is the same for the same seed and different for another', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()];
    await generateDataset(a, { streamers: 30, chatterEdges: 2_000, seed: 7 });
    await generateDataset(b, { streamers: 30, chatterEdges: 2_000, seed: 7 });
    await generateDataset(c, { streamers: 30, chatterEdges: 2_000, seed: 8 });
    for (const file of FILES)
      expect(readFileSync(join(a, file), 'utf8')).toBe(readFileSync(join(b, file), 'utf8'));
    expect(readFileSync(join(a, 'chatters.csv'), 'utf8')).not.toBe(
      readFileSync(join(c, 'chatters.csv'), 'utf8'),
    );
  });

  it('imports cleanly and has the shape of real chat', async () => {
    const dir = tempDir();
    const summary = await generateDataset(dir, { streamers: 60, chatterEdges: 20_000, seed: 3, bots: 5 });
    expect(summary.rows.chatters).toBeGreaterThanOrEqual(20_000);
    const store = EmbeddedGraphStore.inMemory();
    const imported = await importSeedDirectory(dir, store);
    expect(imported.rejected).toBe(0);
    const counts = await store.counts();
    expect(counts.byLabel.Stream).toBe(60);

    // Heavy tail: the biggest channel has many times the median channel's audience.
    const sizes = (
      await Promise.all(
        (await store.topStreamers('followers', 60)).map((s) =>
          store.neighbourhood(s.id, { chatterLimit: 0 }),
        ),
      )
    )
      .map((h) => h?.chatterCount ?? 0)
      .sort((x, y) => y - x);
    expect(sizes[0]).toBeGreaterThan(5 * (sizes[30] ?? 1));

    // Overlap: a good share of chatters chat in more than one channel.
    expect(counts.byType.CHATTER / (counts.byLabel.User - counts.byLabel.Stream)).toBeGreaterThan(1.3);

    // A few bots moderate a large share of the channels.
    const [topModerator] = await store.topRoleHolders('MODERATOR', 1);
    expect(topModerator?.count).toBeGreaterThan(60 * 0.4);
    expect(['nightbot', 'streamelements', 'moobot', 'streamlabs', 'fossabot']).toContain(topModerator?.name);
  });
});
