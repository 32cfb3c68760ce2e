import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runServe } from '../../src/cli/serve.cli.js';
import { loadConfig } from '../../src/config.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { silentLogger } from '../../src/logging.js';
import { InMemoryIngestActivity } from '../../src/playground/ingest-activity.js';
import type { Playground } from '../../src/playground/playground-server.js';
import { startPlayground } from '../../src/playground/playground-server.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { useTempDirs } from '../support/temp-dir.js';

const config = loadConfig({ env: { HTTP_PORT: '0' }, dotenv: false });

describe('playground server', () => {
  let playground: Playground;
  const activity = new InMemoryIngestActivity();
  const graph = EmbeddedGraphStore.inMemory();
  const run = (line: string, headers: Record<string, string> = {}) =>
    fetch(new URL('/api/run', playground.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ line }),
    });

  beforeAll(async () => {
    await importSeedDirectory(demoDatasetDir(), graph);
    playground = await startPlayground({ config, graph, activity, logger: silentLogger });
  });
  afterAll(async () => {
    await playground.close();
    await graph.close();
  });

  it('binds to loopback and serves the page and its files', async () => {
    expect(playground.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(playground.url);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('/static/playground.js');
    for (const file of ['playground.js', 'playground.css']) {
      expect((await fetch(new URL(`/static/${file}`, playground.url))).status).toBe(200);
    }
    expect((await fetch(new URL('/static/../../package.json', playground.url))).status).toBe(404);
  });

  it('runs a command line through the dispatcher and answers with the Discord pages', async () => {
    const res = await run('/top vips 50');
    const answer = (await res.json()) as {
      id: string;
      count: number;
      embeds: { footer?: { text: string } }[];
      outcome: string;
    };
    expect(answer.outcome).toBe('ok');
    expect(answer.count).toBe(3);
    expect(answer.embeds[0]?.footer?.text).toContain('Page 1 of 3');
    const second = await fetch(new URL(`/api/replies/${answer.id}/pages/1`, playground.url));
    expect(((await second.json()) as { index: number }).index).toBe(1);
  });

  it("shows a wide table by the command's own table picture, first", async () => {
    const answer = (await (await run('/streamers')).json()) as {
      embeds: { image?: { url: string } }[];
      files: { name: string }[];
    };
    expect(answer.embeds.map((e) => e.image?.url)).toEqual([
      'attachment://streamers-any-any-table.png',
      'attachment://streamers-any-any.png',
    ]);
    expect(answer.files.map((f) => f.name)).toEqual(['streamers-any-any-table.png', 'streamers-any-any.png']);
  });

  it('answers typing mistakes as an error card, and refuses cross-site posts', async () => {
    const bad = (await (await run('/streamer "unclosed')).json()) as { status: string; outcome: string };
    expect(bad).toMatchObject({ status: 'error', outcome: 'bad-arguments' });
    expect((await run('/help', { origin: 'http://evil.example' })).status).toBe(403);
    const form = await fetch(new URL('/api/run', playground.url), { method: 'POST', body: 'line=/help' });
    expect(form.status).toBe(415);
  });

  it('records /monitor changes as made from the playground', async () => {
    await run('/monitor add twitch.tv/Some_Channel');
    expect(await graph.monitoredChannels()).toEqual([
      expect.objectContaining({ login: 'some_channel', requestedBy: 'playground' }),
    ]);
  });

  it('streams ingest activity as server-sent events', async () => {
    const controller = new AbortController();
    const res = await fetch(new URL('/api/activity', playground.url), { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const until = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await until('event: activity');
    activity.record({ events: 7, chatters: ['sse_chatter'], channels: ['sse_channel'] });
    await until('sse_chatter');
    expect(text).toContain('"totalEvents":7');
    controller.abort();
  });
});

describe('twitchgraph serve', () => {
  const tempDir = useTempDirs();
  it('imports the sample data into an empty store, prints the URL, and stops on request', async () => {
    let out = '';
    let err = '';
    const dataDir = tempDir();
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const context = {
      config: loadConfig({ env: { HTTP_PORT: '0', TWITCHGRAPH_DATA_DIR: dataDir }, dotenv: false }),
      logger: silentLogger,
      io: { out: (t: string) => (out += t), err: (t: string) => (err += t), errIsTTY: false },
    };
    const running = runServe(context, { data: demoDatasetDir() }, stopped);
    while (!out.includes('Playground:')) await new Promise((resolve) => setTimeout(resolve, 20));
    const url = /http:\/\/\S+\//.exec(out)?.[0] ?? '';
    const stats = await fetch(new URL('/api/run', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ line: '/stats' }),
    });
    expect(((await stats.json()) as { embeds: { description?: string }[] }).embeds[0]?.description).toMatch(
      /^[\d,]+ nodes/,
    );
    expect(err).toContain('importing the sample dataset');
    stop();
    expect(await running).toBe(0);
  });
});
