import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/cli-context.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { runCli } from '../support/cli-harness.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-pipeline-cli-');

describe('ingest and replay commands', () => {
  it('ingest without KAFKA_BROKERS says how to ingest without Kafka', async () => {
    const run = await runCli(['ingest'], { TWITCHGRAPH_DATA_DIR: tempDir() });
    expect(run.code).toBe(EXIT.usage);
    expect(run.err).toContain('KAFKA_BROKERS is not set');
    expect(run.err).toContain('twitchgraph replay');
  });

  it('replay refuses --interval with --rate, and durations without a unit', async () => {
    const file = join(tempDir(), 'c.csv');
    writeFileSync(file, '1,a\n');
    const both = await runCli(['replay', '--file', file, '--interval', '1s', '--rate', '5']);
    expect(both.code).toBe(EXIT.usage);
    expect(both.err).toContain('not both');
    const unitless = await runCli(['replay', '--file', file, '--interval', '5']);
    expect(unitless.code).toBe(EXIT.usage);
    expect(unitless.err).toContain('expected a duration such as 250ms, 1s or 2m');
  });

  it('replay without Kafka puts the events in the store, paced by --rate, and names bad lines', async () => {
    const dir = tempDir();
    const file = join(dir, 'stream.txt');
    writeFileSync(file, '77,ann\n77,bob\noops\n77,ann\n');
    const run = await runCli(['replay', '--file', file, '--rate', '1000'], { TWITCHGRAPH_DATA_DIR: dir });
    expect(run.code).toBe(EXIT.failed); // finished, with a bad line
    expect(run.err).toContain(`${file}:3: expected 2 columns (user_id,chatter_login), got 1`);
    expect(run.out).toContain('seed stream file, no header');
    expect(run.out).toContain('3 events published through the in-process bus into the embedded store');
    const store = await EmbeddedGraphStore.open({ dataDir: dir, readOnly: true });
    const hood = await store.neighbourhood('77', { chatterLimit: 10 });
    expect(hood?.chatters).toEqual([
      { login: 'ann', messages: 2 },
      { login: 'bob', messages: 1 },
    ]);
    await store.close();
  });
});
