/**
 * /vip-candidates keeps what it ranks from (the pool, PageRank by member, affinity) per audience read, so a
 * big channel is not prepared again per question (issue 19, 10M). A write must still show in the next
 * answer: a candidate made VIP here drops out, and the count of badged members grows.
 */
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

interface Ranked {
  candidates: { login: string }[];
  alreadyBadged: number;
}

describe('/vip-candidates after a write', () => {
  it('answers from the graph as it is now, not from the input kept for the question before', async () => {
    const graph = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), graph);
    const [top] = await graph.topStreamers('followers', 1);
    if (top === undefined) throw new Error('no streamer in the demo data');
    const ask = async () => {
      const { reply } = await dispatch(
        parseCommandLine(`/vip-candidates ${top.login} 10`, definitions),
        registry,
        { graph, pictures: false },
      );
      return reply.data as Ranked;
    };
    const before = await ask();
    expect(await ask()).toEqual(before);
    const chosen = before.candidates[0]?.login;
    if (chosen === undefined) throw new Error('no candidate in the demo data');
    await graph.addRoles([{ streamerId: top.id, login: chosen, role: 'VIP' }]);
    const after = await ask();
    expect(after.candidates.map((c) => c.login)).not.toContain(chosen);
    expect(after.alreadyBadged).toBe(before.alreadyBadged + 1);
  });
});
