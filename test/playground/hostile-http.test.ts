import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import { silentLogger } from '../../src/logging.js';
import type { OpsServer } from '../../src/observability/ops-server.js';
import { startOpsServer } from '../../src/observability/ops-server.js';
import { InMemoryIngestActivity } from '../../src/playground/ingest-activity.js';
import type { Playground } from '../../src/playground/playground-server.js';
import { startPlayground } from '../../src/playground/playground-server.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { rawRequest } from '../support/raw-http.js';

const config = loadConfig({ env: { HTTP_PORT: '0' }, dotenv: false });
const json = { 'content-type': 'application/json' };

describe('playground and ops servers under hostile requests (issue 14)', () => {
  let playground: Playground;
  let ops: OpsServer;
  const graph = EmbeddedGraphStore.inMemory();
  const host = () => new URL(playground.url).host;
  const run = (line: string, headers: Record<string, string> = {}) =>
    rawRequest(new URL('/api/run', playground.url).href, {
      method: 'POST',
      headers: { ...json, ...headers },
      body: JSON.stringify({ line }),
    });

  beforeAll(async () => {
    await importSeedDirectory(demoDatasetDir(), graph);
    playground = await startPlayground({
      config,
      graph,
      activity: new InMemoryIngestActivity(),
      logger: silentLogger,
    });
    ops = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      role: 'test',
      checks: [],
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await playground.close();
    await ops.close();
    await graph.close();
  });

  it('finding 5: a rebound host name is refused (DNS rebinding), loopback names are not', async () => {
    const port = new URL(playground.url).port;
    const rebound = await run('/monitor add channel:rebind', {
      host: `evil.example:${port}`,
      origin: `http://evil.example:${port}`,
    });
    expect(rebound.status).toBe(421);
    expect((await rawRequest(playground.url, { headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await rawRequest(`${ops.url}/metrics`, { headers: { host: 'evil.example' } })).status).toBe(421);
    expect((await rawRequest(playground.url, { headers: { host: `localhost:${port}` } })).status).toBe(200);
    expect((await run('/monitor list')).status).toBe(200);
  });

  it('finding 6: a body over 16 KiB gets 413, also when it streams without a length', async () => {
    const big = await run('x'.repeat(100_000));
    expect(big.status).toBe(413);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const streamed = await rawRequest(new URL('/api/run', playground.url).href, {
      method: 'POST',
      headers: { ...json, 'transfer-encoding': 'chunked' },
      chunks: Array.from({ length: 64 }, () => chunk),
    });
    expect(streamed.status).toBe(413);
  });

  it('finding 7: odd paths and Origin: null get a 4xx, never a 500', async () => {
    for (const path of [
      '/static/constructor',
      '/static/__proto__',
      '/static/toString',
      '/api/replies/x/pages/NaN',
    ])
      expect((await rawRequest(new URL(path, playground.url).href, {})).status).toBe(404);
    expect((await run('/help', { origin: 'null' })).status).toBe(403);
    expect((await run('/help', { origin: 'not a url' })).status).toBe(403);
    expect((await run('/help', { origin: `http://${host()}` })).status).toBe(200);
  });

  it('finding 7: pages carry CSP without inline script, nosniff, frame-ancestors and a referrer policy', async () => {
    for (const path of ['/', '/static/playground.js', '/api/commands']) {
      const res = await rawRequest(new URL(path, playground.url).href, {});
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBeDefined();
    }
  });

  it('finding 7: /healthz answers while a flood of /pagerank runs; the overflow is told "busy"', async () => {
    const flood = Array.from({ length: 60 }, () => run('/pagerank 50'));
    const latencies: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      const health = await rawRequest(`${ops.url}/healthz`, {});
      latencies.push(performance.now() - started);
      expect(health.status).toBe(200);
      await new Promise((r) => setTimeout(r, 50));
    }
    const answers = await Promise.all(flood);
    expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
    const busy = answers.find((a) => a.status === 503);
    expect(busy?.headers['retry-after']).toBe('1');
    // An error card like any answer, so the page shows it without special handling.
    expect(JSON.parse(busy?.body ?? '{}')).toMatchObject({ status: 'error', outcome: 'refused' });
    expect(busy?.body).toContain('busy');
    // Generous: the machine is shared; without the queue this took over 10 s.
    expect(Math.max(...latencies)).toBeLessThan(5_000);
  });

  it('binding beyond loopback needs PLAYGROUND_TOKEN, and state-changing commands then need it', async () => {
    const open = loadConfig({ env: { HTTP_PORT: '0', HTTP_HOST: '0.0.0.0' }, dotenv: false });
    await expect(
      startPlayground({ config: open, graph, activity: new InMemoryIngestActivity(), logger: silentLogger }),
    ).rejects.toThrow(/PLAYGROUND_TOKEN/);
    const guarded = await startPlayground({
      config: loadConfig({
        env: { HTTP_PORT: '0', HTTP_HOST: '0.0.0.0', PLAYGROUND_TOKEN: 'correct-horse-battery' },
        dotenv: false,
      }),
      graph,
      activity: new InMemoryIngestActivity(),
      logger: silentLogger,
    });
    try {
      const at = new URL('/api/run', guarded.url).href;
      const post = (line: string, headers: Record<string, string> = {}) =>
        rawRequest(at, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ line }) });
      const refused = await post('/monitor add channel:sneaky');
      expect(refused.status).toBe(401);
      expect(refused.body).toContain('PLAYGROUND_TOKEN');
      expect(JSON.parse(refused.body)).toMatchObject({ status: 'error', outcome: 'refused' });
      expect((await post('/monitor add channel:sneaky', { authorization: 'Bearer wrong' })).status).toBe(401);
      expect((await post('/stats')).status).toBe(200);
      const ok = await post('/monitor add channel:trusted', {
        authorization: 'Bearer correct-horse-battery',
      });
      expect(ok.status).toBe(200);
      // The page itself: opened once with ?token=, it keeps a same-site cookie.
      const login = await rawRequest(new URL('/?token=correct-horse-battery', guarded.url).href, {});
      expect(login.status).toBe(303);
      const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
      expect((await post('/monitor remove channel:trusted', { cookie })).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
