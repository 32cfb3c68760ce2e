/**
 * Discord front-end figures on the demo dataset: time from an interaction reaching the bot (a raw gateway
 * payload turned into a discord.js interaction) to its answer being accepted by a local REST server that
 * speaks Discord's wire format, per command; page turns; and autocomplete latency, warm and cold cache.
 * Network time to Discord itself is not included: it is the same for every command.
 */
import { parseCommandLine } from '../src/commands/command-line.js';
import { buildRegistry } from '../src/commands/registry.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import { botHarness } from '../test/support/discord-harness.js';
import { autocompletePayload, buttonPayload, slashPayload } from '../test/support/discord-interactions.js';
import { FakeDiscord } from '../test/support/fake-discord.js';
import type { RecordedRequest } from '../test/support/fake-discord.js';
import type { BenchRow } from './bench-kit.js';
import { measure } from './bench-kit.js';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

export async function benchDiscord(): Promise<BenchRow[]> {
  const fake = await FakeDiscord.start();
  const graph = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(demoDatasetDir(), graph);
  const h = botHarness(fake, graph, { env: { DISCORD_COOLDOWN_SECONDS: '0' }, logLevel: 'silent' });
  const rows: BenchRow[] = [];
  const check = (requests: readonly RecordedRequest[], what: string) => {
    const bad = requests.find((r) => r.status >= 300);
    if (bad !== undefined)
      throw new Error(`${what}: the local Discord answered ${bad.status} ${bad.problems.join('; ')}`);
  };

  const command = async (line: string, runs: number) => {
    const invocation = parseCommandLine(line, definitions);
    const definition = definitions.get(invocation.command);
    let pages = 0;
    const row = await measure(
      `${line} → reply accepted`,
      async () => {
        const requests = await h.send(slashPayload(definition, invocation));
        check(requests, line);
        const data = (requests.at(-1)?.body ?? {}) as {
          data?: { components?: unknown[] };
          components?: unknown[];
        };
        pages = (data.data?.components ?? data.components ?? []).length > 0 ? 2 : 1;
      },
      { runs, warmup: 2 },
    );
    row.note = pages > 1 ? 'paged (buttons)' : '1 message';
    rows.push(row);
  };
  for (const line of [
    '/top games 10',
    '/top vips 10',
    '/top streamers-by-followers 50',
    '/streamer lck_korea',
    '/streamers en',
    '/stats',
    '/monitor list',
    '/help',
  ])
    await command(line, 30);
  for (const line of ['/pagerank 50', '/betweenness 50']) await command(line, 5);
  const slow = rows.slice(-2);
  for (const row of slow) row.note = `${row.note ?? ''}; deferred (type 5) then edited`;

  // Page turns: a button click answered with the next page (type 7), its pictures sent again.
  const first = await h.send(
    slashPayload(definitions.get('top'), { command: 'top', subcommand: 'vips', options: { limit: 50 } }),
  );
  const next =
    (first[0]?.body as { data: { components: { components: { custom_id: string }[] }[] } }).data.components[0]
      ?.components[2]?.custom_id ?? '';
  rows.push(
    await measure(
      '/top vips 50 page button → next page',
      async () => {
        const [turned] = await h.send(buttonPayload(next));
        check(turned === undefined ? [] : [turned], 'page');
        if ((turned?.body as { type?: number } | undefined)?.type !== 7)
          throw new Error('the page did not turn');
      },
      { runs: 30, note: 'type 7 update, bar chart re-attached' },
    ),
  );

  const complete = (name: string, option: string, typed: string) =>
    h.send(
      autocompletePayload(definitions.get(name), { command: name, options: { [option]: typed } }, option),
    );
  for (const [name, option, typed] of [
    ['streamer', 'name', 'l'],
    ['streamers', 'game', 'le'],
    ['streamers', 'language', ''],
  ] as const) {
    rows.push(
      await measure(
        `autocomplete /${name} ${option}:"${typed}" (names cached)`,
        async () => check(await complete(name, option, typed), 'autocomplete'),
        {
          runs: 100,
          warmup: 5,
          note: '≤ 25 choices, type 8',
        },
      ),
    );
  }
  rows.push(
    await measure(
      'autocomplete /streamer name:"l" (cache emptied each time)',
      async () => {
        h.bot.pipeline.suggester.invalidate();
        check(await complete('streamer', 'name', 'l'), 'autocomplete');
      },
      { runs: 50, warmup: 5, note: 'reads listNames from the embedded store' },
    ),
  );

  await h.bot.close();
  await graph.close();
  await fake.close();
  return rows;
}
