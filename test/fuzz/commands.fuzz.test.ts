/** Any command line, however odd, gets a reply: a usage error or an answer, never an exception or a failure. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandLineError, parseCommandLine } from '../../src/commands/command-line.js';
import { dispatch } from '../../src/commands/dispatcher.js';
import { buildRegistry } from '../../src/commands/registry.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { FUZZ } from './fuzz-settings.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));
const names = [...definitions.keys()];
const subcommands = [...definitions.values()].flatMap((d) => (d.subcommands ?? []).map((s) => s.name));
const optionNames = [...definitions.values()].flatMap((d) => [
  ...(d.options ?? []).map((o) => o.name),
  ...(d.subcommands ?? []).flatMap((s) => (s.options ?? []).map((o) => o.name)),
]);

const word = fc.oneof(
  fc.constantFrom(...subcommands, 'games', 'en', 'Just Chatting', 'kagonsattv613', '-1', '0', '1e309', 'NaN'),
  fc.integer().map(String),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(...optionNames).chain((name) => fc.string({ maxLength: 20 }).map((v) => `${name}:${v}`)),
  fc.constantFrom('"', "'", '""', '"unclosed', '\\', ':', '::', '\u0000', '\u001b[2J', '\u202e', '𝕏'),
);
const commandLine = fc.oneof(
  fc
    .tuple(fc.constantFrom(...names), fc.array(word, { maxLength: 6 }))
    .map(([n, ws]) => `/${n} ${ws.join(' ')}`),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('fuzz: command arguments (issue 14)', () => {
  const graph = EmbeddedGraphStore.inMemory();
  beforeAll(async () => {
    await importSeedDirectory(demoDatasetDir(), graph);
  });
  afterAll(() => graph.close());

  it(`${FUZZ.commandLines.numRuns} command lines (seed ${FUZZ.commandLines.seed}): a reply every time, never a failure`, async () => {
    await fc.assert(
      fc.asyncProperty(commandLine, async (line) => {
        let invocation;
        try {
          invocation = parseCommandLine(line, definitions);
        } catch (error) {
          expect(error).toBeInstanceOf(CommandLineError);
          expect((error as Error).message.length).toBeGreaterThan(0);
          return;
        }
        // /monitor add would change the graph: run it too, the graph is this test's own.
        const result = await dispatch(invocation, registry, { graph, caller: 'fuzz', pictures: false });
        expect(result.outcome, `${line} → ${String(result.error)}`).not.toBe('failed');
        expect(result.reply.title.length).toBeGreaterThan(0);
      }),
      { ...FUZZ.commandLines, endOnFailure: true },
    );
  }, 120_000);
});
