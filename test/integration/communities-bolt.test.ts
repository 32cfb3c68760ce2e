/**
 * /communities and the new /streamer answers on the real demo dataset: Neo4j over Bolt and the embedded
 * store hand the same shared-audience graph to the same code, so they must answer identically.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import type { CommandPorts } from '../../src/commands/command.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import type { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { BotDetector } from '../../src/insights/bot-detector.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { emptyBoltStore } from '../support/bolt.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

let bolt: BoltGraphStore;
let embedded: EmbeddedGraphStore;

beforeAll(async () => {
  bolt = await emptyBoltStore(inject('neo4jUrl'));
  embedded = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(demoDatasetDir(), bolt);
  await importSeedDirectory(demoDatasetDir(), embedded);
}, 300_000);

afterAll(async () => {
  await bolt.close();
  await embedded.close();
});

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const ask = async (line: string, ports: CommandPorts) =>
  (await dispatch(parseCommandLine(line, definitions), registry, { ...ports, pictures: false })).reply;

describe('communities on the demo dataset: Neo4j vs embedded', () => {
  it('reads the same shared-audience graph, with and without the flagged bots', async () => {
    const bots = await new BotDetector(embedded).logins();
    expect(bots.length).toBeGreaterThan(5);
    for (const options of [{}, { excludeLogins: bots }]) {
      const expected = await embedded.sharedAudienceGraph(options);
      expect(await bolt.sharedAudienceGraph(options)).toEqual(expected);
      expect(expected.channels).toHaveLength(57);
      expect(expected.pairs.length).toBeGreaterThan(300);
    }
  });

  it('answers /communities and /streamer lck_korea identically', async () => {
    for (const line of ['/communities', '/communities 3 exclude_bots:false', '/streamer lck_korea']) {
      const expected = await ask(line, { graph: embedded, bots: new BotDetector(embedded) });
      const actual = await ask(line, { graph: bolt, bots: new BotDetector(bolt) });
      expect(expected.status, line).toBe('ok');
      expect(actual.table, line).toEqual(expected.table);
      expect(actual.fields, line).toEqual(expected.fields);
      expect(actual.data, line).toEqual(expected.data);
    }
  });
});
