/**
 * Any request to the playground: an answer below 500 (503 "busy" aside), and nothing logged at error level —
 * odd paths, methods, hosts, origins, content types and bodies are the client's mistake, not the server's.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { InMemoryIngestActivity } from '../../src/playground/ingest-activity.js';
import type { Playground } from '../../src/playground/playground-server.js';
import { startPlayground } from '../../src/playground/playground-server.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { rawRequest } from '../support/raw-http.js';
import { FUZZ } from './fuzz-settings.js';

/** Printable ASCII: what an HTTP client lets through in a header or a path. */
const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 24,
});
const segment = fc.oneof(
  fc.constantFrom(
    '',
    '..',
    '%2e%2e',
    '%00',
    '%',
    'constructor',
    '__proto__',
    'toString',
    'index.html',
    'x'.repeat(300),
  ),
  printable.map(encodeURIComponent),
  fc.nat().map(String),
);
const path = fc.oneof(
  fc.constantFrom('/', '/static/playground.js', '/api/commands', '/api/run', '/api/complete'),
  fc
    .tuple(
      fc.constantFrom('/static/', '/api/replies/', '/api/complete?line=', '/', '/api/'),
      fc.array(segment, { maxLength: 4 }),
    )
    .map(([prefix, parts]) => prefix + parts.join('/')),
);
const lineText = fc.oneof(
  fc.constantFrom(
    '/help',
    '/stats',
    '/top games 3',
    '/monitor list',
    '/monitor add channel:fuzz',
    '/streamer "x',
  ),
  fc.string({ unit: 'binary', maxLength: 80 }),
);
const body = fc.oneof(
  lineText.map((line) => JSON.stringify({ line })),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(''),
);

describe('fuzz: playground requests (issue 14)', () => {
  let playground: Playground;
  const errors: string[] = [];
  const graph = EmbeddedGraphStore.inMemory();

  beforeAll(async () => {
    await importSeedDirectory(demoDatasetDir(), graph);
    playground = await startPlayground({
      config: loadConfig({ env: { HTTP_PORT: '0' }, dotenv: false }),
      graph,
      activity: new InMemoryIngestActivity(),
      logger: pino({ level: 'error' }, { write: (line: string) => errors.push(line) }),
    });
  });
  afterAll(async () => {
    await playground.close();
    await graph.close();
  });

  it(`${FUZZ.playgroundRequests.numRuns} requests (seed ${FUZZ.playgroundRequests.seed}): never a 500, nothing logged as an error`, async () => {
    const port = new URL(playground.url).port;
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'HEAD'),
      path: path.filter((p) => !p.startsWith('/api/activity')),
      host: fc.constantFrom(
        `127.0.0.1:${port}`,
        `localhost:${port}`,
        `[::1]:${port}`,
        'evil.example',
        '',
        'a:b:c',
      ),
      origin: fc.option(
        fc.oneof(fc.constantFrom('null', 'http://evil.example', `http://127.0.0.1:${port}`), printable),
      ),
      contentType: fc.option(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'multipart/form-data',
        ),
      ),
      body,
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = { host: r.host };
        if (r.origin !== null) headers.origin = r.origin;
        if (r.contentType !== null) headers['content-type'] = r.contentType;
        const withBody = r.method !== 'GET' && r.method !== 'HEAD';
        // Node's client sends a DELETE or OPTIONS body without framing unless told its length.
        if (withBody) headers['content-length'] = String(Buffer.byteLength(r.body));
        // A request left unanswered is a failure too, not a stuck suite.
        const res = await Promise.race([
          rawRequest(new URL(r.path, playground.url).href, {
            method: r.method,
            headers,
            ...(withBody ? { body: r.body } : {}),
          }),
          new Promise<never>((_, reject) =>
            setTimeout(() => reject(new Error('no answer within 10 s')), 10_000).unref(),
          ),
        ]);
        expect(res.status, `${r.method} ${r.path} → ${res.body}`).toBeLessThan(500);
        expect(errors, `${r.method} ${r.path}`).toEqual([]);
      }),
      { ...FUZZ.playgroundRequests, endOnFailure: true },
    );
  }, 180_000);
});
