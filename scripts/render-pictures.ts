/**
 * Regenerate the pictures in docs/images/ from the real demo dataset:
 *
 *   npx tsx scripts/render-pictures.ts [DATASET_DIR] [OUT_DIR]
 *
 * Imports the dataset into a throw-away store, finds the streamer with the most chatters, and runs
 * `twitchgraph ask … --out OUT_DIR` for that streamer, `/pagerank 50`, `/top games` and `/communities`, the way a person
 * would. Then draws the /top games chart once more in the light theme, to show both themes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli.js';
import type { CliIO } from '../src/cli/cli-context.js';
import { loadConfig } from '../src/config.js';
import { openGraphStore } from '../src/graph/open/open-graph-store.js';
import { silentLogger } from '../src/logging.js';
import { renderBarChart } from '../src/render/bar-chart.js';
import { imageName } from '../src/reply/picture.js';

const dataset = process.argv[2] ?? 'data/twitch-demo';
const out = process.argv[3] ?? 'docs/images';
const store = await mkdtemp(join(tmpdir(), 'twitchgraph-pictures-'));
const env = { TWITCHGRAPH_DATA_DIR: join(store, 'store') };
const config = loadConfig({ env, dotenv: false });
const io: CliIO = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  errIsTTY: false,
};
const cli = async (...args: string[]) => {
  const code = await main(args, io, (cliIO) => ({ config, logger: silentLogger, io: cliIO }));
  if (code !== 0) throw new Error(`twitchgraph ${args.join(' ')} exited with ${code}`);
};

try {
  await cli('import', '--data', dataset);

  const graph = await openGraphStore(config, { readOnly: true, command: 'render-pictures' });
  let largest = { login: '', chatters: -1 };
  let games;
  try {
    for (const login of await graph.listNames('streamer')) {
      const found = await graph.findStreamer(login);
      if (found === null) continue;
      const hood = await graph.neighbourhood(found.id, { chatterLimit: 0 });
      if (hood !== null && hood.chatterCount > largest.chatters)
        largest = { login, chatters: hood.chatterCount };
    }
    games = await graph.topGames(10);
  } finally {
    await graph.close();
  }
  console.log(`largest streamer by chatters: ${largest.login} (${largest.chatters})\n`);

  await cli('ask', `/streamer ${largest.login}`, '--out', out);
  await cli('ask', '/pagerank 50', '--out', out);
  await cli('ask', '/top games', '--out', out);
  await cli('ask', '/communities', '--out', out);

  const light = await renderBarChart(
    {
      title: `Top ${games.length} games`,
      subtitle: 'Games with the most streamers playing them (light theme)',
      rows: games.map((g) => ({ label: g.name, value: g.count })),
      kind: 'Game',
    },
    { theme: 'light' },
  );
  const lightPath = join(out, imageName('top', 'games', 'light'));
  await writeFile(lightPath, light.png);
  console.log(`wrote ${lightPath}`);
} finally {
  await rm(store, { recursive: true, force: true });
}
