/**
 * Render benchmarks: graph pictures of 100, 300 and 1,000 nodes (layout, drawing and PNG encoding), the
 * d3-force layout alone, a 50,000-chatter channel cut to the default node cap, the bar chart and the table
 * image. Goals on the 2-core target: 300 nodes under 300 ms, a bar chart under 50 ms.
 */
import type { ReplyTable } from '../src/reply/reply.js';
import { renderBarChart } from '../src/render/bar-chart.js';
import { renderGraphImage } from '../src/render/graph-image.js';
import type { GraphImageInput, GraphImageLink, GraphImageNode } from '../src/reply/picture.js';
import { GRAPH_DEFAULTS, layoutGraph } from '../src/render/graph-layout.js';
import { registerFonts } from '../src/render/fonts.js';
import { renderTableImage } from '../src/render/table-image.js';
import { seededRandom } from '../src/util/seeded-random.js';
import type { BenchRow } from './bench-kit.js';
import { measure, rssMiB } from './bench-kit.js';

/**
 * A chat graph shaped like the real one: a tenth of the nodes are streams, each playing a game, speaking a
 * language, some in a team; users chat in one to three streams, the first stream most often.
 */
export function chatGraph(nodeCount: number, seed = 7): GraphImageInput {
  const random = seededRandom(seed);
  const nodes: GraphImageNode[] = [];
  const links: GraphImageLink[] = [];
  const structure = [
    ...['Grand Theft Auto V', 'League of Legends', 'Just Chatting', 'VALORANT'].map((name) => ({
      kind: 'Game' as const,
      name,
    })),
    ...['en', 'ko', 'ja'].map((name) => ({ kind: 'Language' as const, name })),
    ...['t1', 'nrg', 'geng'].map((name) => ({ kind: 'Team' as const, name })),
  ];
  for (const s of structure) nodes.push({ id: `${s.kind}:${s.name}`, kind: s.kind, label: s.name });
  const rest = Math.max(1, nodeCount - structure.length);
  const streams = Math.max(1, Math.round(rest / 10));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  for (let i = 0; i < streams; i++) {
    const id = `Stream:stream_${i}`;
    nodes.push({ id, kind: 'Stream', label: `Stream_${i}`, weight: Math.round(random() * 1_000_000) });
    const game = pick(structure.filter((s) => s.kind === 'Game'));
    const language = pick(structure.filter((s) => s.kind === 'Language'));
    links.push({ source: id, target: `Game:${game.name}`, type: 'PLAYS' });
    links.push({ source: id, target: `Language:${language.name}`, type: 'SPEAKS' });
    if (random() < 0.3)
      links.push({ source: id, target: `Team:${pick(['t1', 'nrg', 'geng'])}`, type: 'IS_PART_OF' });
  }
  for (let i = 0; i < rest - streams; i++) {
    const id = `User:user_${i}`;
    nodes.push({ id, kind: 'User', label: `user_${i}`, weight: Math.round(random() * 500) });
    const channels = 1 + Math.floor(random() * 3);
    for (let c = 0; c < channels; c++) {
      const target = random() < 0.4 ? 0 : Math.floor(random() * streams);
      links.push({
        source: id,
        target: `Stream:stream_${target}`,
        type: random() < 0.03 ? 'MODERATOR' : 'CHATTER',
      });
    }
  }
  return {
    title: `Chat graph, ${nodeCount} nodes`,
    nodes,
    links,
    centerId: 'Stream:stream_0',
    measure: 'messages',
  };
}

const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);

/**
 * `measure` plus CPU time per run (all threads: PNG encoding runs off the main thread) and memory. On a
 * shared 2-core machine wall time swings with whatever else runs; CPU time is the steadier figure.
 */
async function timed(
  name: string,
  fn: () => unknown,
  options: { runs: number; warmup?: number },
  note: () => string,
): Promise<BenchRow> {
  const warmup = options.warmup ?? 2;
  const before = process.cpuUsage();
  const row = await measure(name, fn, { runs: options.runs, warmup });
  const used = process.cpuUsage(before);
  const cpuMs = (used.user + used.system) / 1000 / (options.runs + warmup);
  return {
    ...row,
    note: `${note()}; CPU ${Math.round(cpuMs)} ms/run; RSS ${rssMiB()} MiB, peak ${peakRssMiB()} MiB`,
  };
}

export async function benchRender(): Promise<BenchRow[]> {
  registerFonts();
  const rows: BenchRow[] = [];

  for (const [n, runs] of [
    [100, 20],
    [300, 20],
    [1000, 8],
  ] as const) {
    const input = chatGraph(n);
    let png = 0;
    let labels = 0;
    rows.push(
      await timed(
        `graph image, ${n} nodes (layout + draw + PNG)`,
        async () => {
          const image = await renderGraphImage(input, { maxNodes: n });
          png = image.png.length;
          labels = image.layout.labels.length;
        },
        { runs },
        () => `${input.links.length} links, ${labels} labels, PNG ${Math.round(png / 1024)} KiB`,
      ),
    );
    if (n === 300)
      rows.push(
        await timed(
          `graph layout only, ${n} nodes (d3-force, labels)`,
          () => layoutGraph(input, { maxNodes: n }),
          { runs },
          () => 'no drawing or encoding',
        ),
      );
  }

  const huge = chatGraph(50_000);
  rows.push(
    await timed(
      `graph image, 50,000 nodes cut to ${GRAPH_DEFAULTS.maxNodes}`,
      () => renderGraphImage(huge),
      { runs: 6, warmup: 1 },
      () => `${huge.links.length} links in; default node cap`,
    ),
  );

  const bars = {
    title: 'Top 10 games',
    subtitle: 'Games with the most streamers playing them',
    kind: 'Game' as const,
    rows: Array.from({ length: 10 }, (_, i) => ({
      label: `Game number ${i} with a longish name`,
      value: 100 - i * 7,
    })),
  };
  rows.push(
    await timed(
      'bar chart, 10 rows',
      () => renderBarChart(bars),
      { runs: 30 },
      () => '800 px wide',
    ),
  );
  const bars50 = {
    ...bars,
    title: 'Top 50',
    rows: Array.from({ length: 50 }, (_, i) => ({ label: `name_${i}`, value: 500 - i })),
  };
  rows.push(
    await timed(
      'bar chart, 50 rows',
      () => renderBarChart(bars50),
      { runs: 30 },
      () => '800 px wide',
    ),
  );

  const table: ReplyTable = {
    columns: [
      { header: 'Streamer' },
      { header: 'Language' },
      { header: 'Game' },
      { header: 'Followers', align: 'right' },
    ],
    rows: Array.from({ length: 50 }, (_, i) => [
      `Streamer_${i}`,
      'en',
      'Final Fantasy XIV Online',
      String(1_000_000 - i * 977),
    ]),
  };
  rows.push(
    await timed(
      'table image, 50 rows × 4 columns',
      () => renderTableImage({ title: 'All streamers', table }),
      { runs: 20 },
      () => 'as /streamers sends it',
    ),
  );
  return rows;
}
