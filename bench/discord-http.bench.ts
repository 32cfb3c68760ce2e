/**
 * `bot --http` figures on the demo dataset: the local fake Discord signs each payload with the
 * application's Ed25519 key and POSTs it over loopback HTTP to the endpoint; deferred answers and
 * pictures go back to its REST side as `@original` edits. Rows:
 *
 * - the Ed25519 check alone (node:crypto, one verify of a typical payload);
 * - per command, from the POST to the answer complete (HTTP response, and any REST edit accepted);
 * - requests per second for `/stats` and `/top games 10` with 8 requests in flight.
 *
 * Network time to Discord and the reverse proxy are not included.
 */
import { pino } from 'pino';
import { parseCommandLine } from '../src/commands/command-line.js';
import { buildRegistry } from '../src/commands/registry.js';
import { loadConfig } from '../src/config.js';
import { startHttpBot } from '../src/discord/http/http-bot.js';
import { checkSignature, ed25519PublicKey } from '../src/discord/http/signature.js';
import { EmbeddedGraphStore } from '../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../src/ingest/csv/seed-importer.js';
import { demoDatasetDir } from '../test/support/demo-dataset.js';
import { APP_ID, autocompletePayload, slashPayload } from '../test/support/discord-interactions.js';
import { FakeDiscord } from '../test/support/fake-discord.js';
import type { BenchRow } from './bench-kit.js';
import { measure, percentile, round } from './bench-kit.js';
import { generateKeyPairSync, sign } from 'node:crypto';

const registry = buildRegistry();
const definitions = new Map([...registry].map(([name, c]) => [name, c.definition]));

export async function benchDiscordHttp(): Promise<BenchRow[]> {
  const fake = await FakeDiscord.start();
  const graph = EmbeddedGraphStore.inMemory();
  await importSeedDirectory(demoDatasetDir(), graph);
  const config = loadConfig({
    env: {
      DISCORD_APP_ID: APP_ID,
      DISCORD_PUBLIC_KEY: fake.publicKeyHex,
      DISCORD_API_URL: fake.url,
      DISCORD_COOLDOWN_SECONDS: '0',
    },
    dotenv: false,
  });
  const bot = await startHttpBot({
    config,
    graph,
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
  });
  const rows: BenchRow[] = [];

  // The signature check on its own, timed over batches (one verify is a few tens of microseconds).
  const pair = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString(
    'hex',
  );
  const key = ed25519PublicKey(publicHex);
  const body = Buffer.from(
    JSON.stringify(slashPayload(definitions.get('stats'), { command: 'stats', options: {} })),
  );
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.concat([Buffer.from(timestamp), body]), pair.privateKey).toString(
    'hex',
  );
  const batch = 200;
  const verifyRow = await measure(
    `Ed25519 check of a ${body.length}-byte payload, ×${batch}`,
    () => {
      for (let i = 0; i < batch; i += 1) {
        const verdict = checkSignature({ key, signature, timestamp, body, nowMs: Date.now() });
        if (!verdict.ok) throw new Error(verdict.reason);
      }
    },
    { runs: 20, warmup: 2 },
  );
  verifyRow.note = `${round((verifyRow.median_ms / batch) * 1000)} µs per check (median batch / ${batch})`;
  rows.push(verifyRow);

  const post = async (payload: unknown) => {
    const posted = await fake.postInteraction(bot.endpoint.url, payload);
    if (posted.status !== 200) throw new Error(`endpoint answered ${posted.status}`);
    return posted;
  };
  const complete = async (payload: unknown) => {
    const posted = await post(payload);
    await bot.pipeline.settled();
    const bad = fake.requests.find((r) => r.status >= 300);
    if (bad !== undefined)
      throw new Error(`the local Discord answered ${bad.status} ${bad.problems.join('; ')}`);
    fake.reset();
    return posted;
  };

  const command = async (line: string, runs: number) => {
    const invocation = parseCommandLine(line, definitions);
    const definition = definitions.get(invocation.command);
    let type = 0;
    const row = await measure(
      `${line} → signed POST → answer complete`,
      async () => {
        type = ((await complete(slashPayload(definition, invocation))).body as { type: number }).type;
      },
      { runs, warmup: 2 },
    );
    row.note = type === 4 ? 'type 4 in the HTTP response' : 'type 5, then PATCH @original';
    rows.push(row);
  };
  for (const line of [
    '/stats',
    '/top games 10',
    '/top vips 10',
    '/streamer lck_korea',
    '/streamers en',
    '/monitor list',
    '/help',
  ])
    await command(line, 30);
  for (const line of ['/pagerank 50', '/betweenness 50']) await command(line, 5);
  rows.push(
    await measure(
      'autocomplete /streamer name:"l" → type 8',
      () =>
        complete(
          autocompletePayload(
            definitions.get('streamer'),
            { command: 'streamer', options: { name: 'l' } },
            'name',
          ),
        ),
      { runs: 100, warmup: 5 },
    ),
  );

  // Throughput: `inFlight` requests at a time for `seconds`; latency per request under that load.
  const throughput = async (line: string, inFlight: number, seconds: number) => {
    const invocation = parseCommandLine(line, definitions);
    const definition = definitions.get(invocation.command);
    const latencies: number[] = [];
    const started = performance.now();
    const until = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (performance.now() < until) {
          const t = performance.now();
          await post(slashPayload(definition, invocation));
          latencies.push(performance.now() - t);
        }
      }),
    );
    await bot.pipeline.settled();
    const elapsed = (performance.now() - started) / 1000;
    const bad = fake.requests.find((r) => r.status >= 300);
    if (bad !== undefined) throw new Error(`the local Discord answered ${bad.status}`);
    fake.reset();
    latencies.sort((a, b) => a - b);
    rows.push({
      name: `${line}: ${inFlight} in flight for ${seconds} s`,
      median_ms: round(percentile(latencies, 50)),
      p95_ms: round(percentile(latencies, 95)),
      runs: latencies.length,
      note: `${Math.round(latencies.length / elapsed)} requests/s answered completely (HTTP response and any @original edit)`,
    });
  };
  await throughput('/stats', 8, 3);
  await throughput('/top games 10', 8, 3);

  await bot.close();
  await graph.close();
  await fake.close();
  return rows;
}
