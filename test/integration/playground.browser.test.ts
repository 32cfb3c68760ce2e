/**
 * The playground in real headless Chromium (Debian's `chromium`, driven by playwright-core) over the demo
 * data: type a command, pick an autocomplete suggestion, run it, see the embed and its picture, and watch
 * the live panel update from server-sent events without a reload.
 *
 * PLAYGROUND_SCREENSHOT=docs/images/playground.png saves a screenshot of the page after the /streamer answer.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../../src/commands/command.js';
import { buildRegistry, DEFAULT_COMMANDS } from '../../src/commands/registry.js';
import { reply } from '../../src/reply/reply.js';
import { loadConfig } from '../../src/config.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { silentLogger } from '../../src/logging.js';
import { InMemoryIngestActivity } from '../../src/playground/ingest-activity.js';
import type { Playground } from '../../src/playground/playground-server.js';
import { startPlayground } from '../../src/playground/playground-server.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const CHROMIUM = '/usr/bin/chromium';

/** In the page: an <img>'s natural width once loaded, 0 before (or when it failed). */
const loadedWidth = (element: unknown): number => {
  const img = element as { complete: boolean; naturalWidth: number };
  return img.complete ? img.naturalWidth : 0;
};

/**
 * Submits the command line with `submit` and gives the message that answers it. Earlier answers stay on
 * the page and look alike, so the new one is found by position (the first past those already there) and
 * checked to echo `line`, never taken as "the last message", which may still be the previous answer.
 */
async function answerTo(page: Page, line: string, submit: () => Promise<void>): Promise<Locator> {
  const messages = page.locator('.message');
  const before = await messages.count();
  await submit();
  const message = messages.nth(before);
  await message.waitFor();
  expect(await message.locator('.used .cmd').textContent()).toBe(line);
  return message;
}

/** A reply with a picture, so the page's image path is checked whatever the commands draw today. */
const pictureCommand = defineCommand({
  definition: { name: 'picture', description: 'A reply with a picture the playground draws' },
  args: z.object({}),
  run() {
    return Promise.resolve(
      reply({
        title: 'A picture',
        pictures: [
          {
            kind: 'chart',
            name: 'purple.png',
            description: 'One purple bar',
            input: { title: 'Purple', rows: [{ label: 'purple', value: 1 }], kind: 'Stream' },
            layout: { width: 320 },
          },
        ],
      }),
    );
  },
});

describe('playground in headless Chromium', () => {
  let playground: Playground;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const activity = new InMemoryIngestActivity();
  const graph = EmbeddedGraphStore.inMemory();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
    await importSeedDirectory(demoDatasetDir(), graph);
    playground = await startPlayground({
      config: loadConfig({ env: { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0' }, dotenv: false }),
      graph,
      activity,
      logger: silentLogger,
      registry: buildRegistry([...DEFAULT_COMMANDS, pictureCommand]),
    });
    profile = await mkdtemp(join(tmpdir(), 'twitchgraph-chromium-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-quic',
        '--no-first-run',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1200, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await playground?.close();
    await graph.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it('completes /streamer from a prefix, runs it and shows the embed', async () => {
    await page.goto(playground.url);
    const line = page.locator('#line');
    await line.click();
    await line.pressSequentially('/streamer lc', { delay: 20 });
    const choice = page.locator('#suggestions li', { hasText: 'lck_korea' });
    await choice.waitFor();
    // Names starting with the prefix come first.
    const labels = await page.locator('#suggestions li .label').allTextContents();
    expect(labels.length).toBeGreaterThan(0);
    expect(labels.every((l) => l.toLowerCase().includes('lc'))).toBe(true);
    await choice.click();
    expect(await line.inputValue()).toBe('/streamer lck_korea');
    const message = await answerTo(page, '/streamer lck_korea', () => line.press('Enter'));

    const title = message.locator('.embed-title').first();
    expect(await title.textContent()).toBe('LCK_Korea (lck_korea)');
    expect(await title.locator('a').getAttribute('href')).toBe('https://www.twitch.tv/lck_korea');
    const fieldNames = await message.locator('.field-name').allTextContents();
    expect(fieldNames).toContain('Followers');
    expect(fieldNames.some((n) => n.startsWith('Chatters ('))).toBe(true);
    // The channel's graph picture (drawn by src/render) loads from the playground's image endpoint.
    const picture = message.locator('.embed-image img');
    expect(await picture.count()).toBe(1);
    expect(await picture.getAttribute('alt')).toContain("Graph of LCK_Korea's channel");
    await expect.poll(() => picture.evaluate(loadedWidth), { timeout: 10_000 }).toBeGreaterThan(0);

    // Some ingest activity for the panel (and the screenshot): chatters of the channel just asked about.
    const hood = await graph.neighbourhood((await graph.findStreamer('lck_korea'))?.id ?? '', {
      chatterLimit: 12,
    });
    activity.record({
      events: 48,
      chatters: hood?.chatters.map((c) => c.login) ?? [],
      channels: ['lck_korea'],
    });
    await page.locator('#total', { hasText: '48' }).waitFor();

    const shot = process.env.PLAYGROUND_SCREENSHOT;
    if (shot !== undefined && shot !== '') await page.screenshot({ path: shot });
  });

  it('shows pictures of an answer from the image endpoint', async () => {
    const line = page.locator('#line');
    await line.fill('/picture');
    await line.press('Escape');
    const message = await answerTo(page, '/picture', () => line.press('Enter'));
    // The answer before this one has a picture too: this must be the new answer's.
    const img = message.locator('.embed-image img');
    await img.waitFor();
    expect(await img.getAttribute('src')).toMatch(/^\/api\/replies\/[\w-]+\/files\/0\/purple\.png$/);
    await expect.poll(() => img.evaluate(loadedWidth)).toBe(320);
  });

  it('turns the pages of a long answer', async () => {
    const line = page.locator('#line');
    await line.fill('/top vips 50');
    await line.press('Escape');
    const message = await answerTo(page, '/top vips 50', () => line.press('Enter'));
    await message.locator('.embed-footer', { hasText: 'Page 1 of 3' }).waitFor();
    await message.locator('button', { hasText: 'Next' }).click();
    await message.locator('.embed-footer', { hasText: 'Page 2 of 3' }).waitFor();
  });

  it('updates the live ingest panel from server-sent events, without a reload', async () => {
    await page.locator('#live-dot.on').waitFor();
    const before = activity.snapshot().totalEvents;
    activity.record({
      events: 120,
      chatters: ['first_chatter', 'newest_chatter'],
      channels: ['other_channel'],
    });
    await page.locator('#chatters li', { hasText: 'newest_chatter' }).waitFor();
    expect(await page.locator('#chatters li').first().textContent()).toBe('newest_chatter');
    expect(await page.locator('#total').textContent()).toBe(String(before + 120));
    expect((await page.locator('#channels li').allTextContents())[0]).toBe('other_channel');
  });

  it('shows live alerts in the panel, an update replacing its earlier version', async () => {
    const alert = (version: number, accounts: number) => ({
      id: 'bot-wave:other_channel:1',
      kind: 'bot-wave' as const,
      channel: 'other_channel',
      title: `Bot wave in #other_channel: ${accounts} first-time chatters, ${accounts} new accounts`,
      version,
      updatedAt: Date.now(),
    });
    activity.recordAlert(alert(1, 15));
    await page.locator('#alerts li.bot-wave', { hasText: '15 first-time chatters' }).waitFor();
    activity.recordAlert(alert(2, 40));
    await page.locator('#alerts li.bot-wave', { hasText: '40 first-time chatters' }).waitFor();
    expect(await page.locator('#alerts li').count()).toBe(1);
    expect(await page.locator('#alerts li').first().textContent()).toContain('(update 2)');
  });
});
