/**
 * The layering rules of eslint.config.js (docs/ARCHITECTURE.md, "Layers") fail on a deliberate violation,
 * so `npm test` (and CI) stops on one. ESLint runs on in-memory sources placed at the paths under test,
 * without type information: the import rules need none, and a whole-program type check would add seconds.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/spawn-cli.js';

const eslint = new ESLint({ cwd: REPO_ROOT, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** The messages of the import rules for `source` as if it were the file at `filePath`. */
async function importProblems(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId?.endsWith('no-restricted-imports') === true || m.fatal === true)
    .map((m) => m.message);
}

describe('layering lint rules', () => {
  it('src/graph/ imports nothing above it', async () => {
    const problems = await importProblems(
      'src/graph/embedded/violation.ts',
      "import { formatCount } from '../../commands/format.js';\nexport const x = formatCount;\n",
    );
    expect(problems).toEqual([expect.stringContaining('src/graph/ imports nothing above it')]);
    const typeOnly = await importProblems(
      'src/graph/violation.ts',
      "import type { Reply } from '../commands/reply.js';\nexport type R = Reply;\n",
    );
    expect(typeOnly).toHaveLength(1);
    const below = await importProblems(
      'src/graph/violation.ts',
      "import type { ChannelLoginResult } from '../domain/login.js';\nexport type L = ChannelLoginResult;\n",
    );
    expect(below).toEqual([]);
  });

  it('src/render/ imports nothing from commands: it draws the pictures replies carry as data', async () => {
    const problems = await importProblems(
      'src/render/violation.ts',
      "import type { Reply } from '../commands/reply.js';\nexport type R = Reply;\n",
    );
    expect(problems).toEqual([expect.stringContaining('src/render/ imports nothing from commands')]);
    const front = await importProblems(
      'src/render/violation.ts',
      "import { pageReply } from '../discord/reply-message.js';\nexport const p = pageReply;\n",
    );
    expect(front).toHaveLength(1);
    const below = await importProblems(
      'src/render/violation.ts',
      "import type { Picture } from '../reply/picture.js';\nimport { seededRandom } from '../util/seeded-random.js';\nexport type P = Picture;\nexport const r = seededRandom;\n",
    );
    expect(below).toEqual([]);
  });

  it('src/commands/ never draws: no import of render/ or a front end', async () => {
    const problems = await importProblems(
      'src/commands/violation.ts',
      "import { drawReply } from '../render/draw-pictures.js';\nexport const d = drawReply;\n",
    );
    expect(problems).toEqual([
      expect.stringContaining('src/commands/ imports no front end and never render/'),
    ]);
    const whole = await importProblems(
      'src/commands/violation.ts',
      "import type { GraphStore } from '../graph/graph-store.port.js';\nexport type G = GraphStore;\n",
    );
    expect(whole).toEqual([expect.stringContaining('Commands name the graph roles they use')]);
    const role = await importProblems(
      'src/commands/violation.ts',
      "import type { GraphQueries } from '../graph/graph-store.port.js';\nexport type G = GraphQueries;\n",
    );
    expect(role).toEqual([]);
    const picture = await importProblems(
      'src/commands/violation.ts',
      "import { imageName } from '../reply/picture.js';\nexport const n = imageName;\n",
    );
    expect(picture).toEqual([]);
  });

  it('src/reply/ imports nothing but domain/', async () => {
    const problems = await importProblems(
      'src/reply/violation.ts',
      "import type { GraphView } from '../graph/graph-store.port.js';\nexport type V = GraphView;\n",
    );
    expect(problems).toEqual([expect.stringContaining('src/reply/ imports nothing but domain/')]);
  });

  it('src/config.ts and src/graph/ do not import each other', async () => {
    const configToGraph = await importProblems(
      'src/config.ts',
      "import { BETWEENNESS_DEFAULTS } from './graph/algorithms/betweenness.js';\nexport const d = BETWEENNESS_DEFAULTS;\n",
    );
    expect(configToGraph).toEqual([
      expect.stringContaining('src/config.ts imports nothing but domain/ and util/'),
    ]);
    const graphToConfig = await importProblems(
      'src/graph/bolt/violation.ts',
      "import type { Config } from '../../config.js';\nexport type C = Config;\n",
    );
    expect(graphToConfig).toEqual([expect.stringContaining('src/graph/ imports nothing above it')]);
  });

  it('src/domain/ imports no other folder of src/', async () => {
    const problems = await importProblems(
      'src/domain/violation.ts',
      "import { systemClock } from '../util/clock.js';\nexport const c = systemClock;\n",
    );
    expect(problems).toEqual([expect.stringContaining('src/domain/ imports no other folder')]);
  });

  it('only the adapter imports its driver library', async () => {
    const drivers: [string, string, string][] = [
      ['neo4j-driver', 'src/graph/bolt/violation.ts', 'src/graph/embedded/violation.ts'],
      ['kafkajs', 'src/ingest/bus/kafka-bus.ts', 'src/ingest/bus/memory-bus.ts'],
      ['discord.js', 'src/discord/violation.ts', 'src/commands/violation.ts'],
      ['tmi.js', 'src/ingest/twitch/tmi-connection.ts', 'src/ingest/twitch/chat-listener.ts'],
      ['@napi-rs/canvas', 'src/render/violation.ts', 'src/playground/violation.ts'],
    ];
    for (const [name, home, elsewhere] of drivers) {
      const source = `import * as driver from '${name}';\nexport const d = driver;\n`;
      expect(await importProblems(home, source), `${name} in ${home}`).toEqual([]);
      expect(await importProblems(elsewhere, source), `${name} in ${elsewhere}`).toEqual([
        expect.stringContaining(`import ${name}`),
      ]);
    }
  });
});
