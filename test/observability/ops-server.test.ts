import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging.js';
import { commandMetrics, ingestMetrics } from '../../src/observability/metrics.js';
import type { OpsServer } from '../../src/observability/ops-server.js';
import { startOpsServer } from '../../src/observability/ops-server.js';

describe('ops endpoints', () => {
  let server: OpsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers /healthz, and /readyz with every check', async () => {
    let graphUp = true;
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      role: 'worker',
      logger: silentLogger,
      registry: new Registry(),
      checkTimeoutMs: 200,
      checks: [
        {
          name: 'graph',
          check: () => (graphUp ? Promise.resolve() : Promise.reject(new Error('connection refused'))),
        },
        { name: 'bus', check: () => Promise.resolve() },
      ],
    });
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', role: 'worker' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    graphUp = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({
      status: 'not ready',
      checks: [
        { name: 'graph', ok: false, error: 'connection refused' },
        { name: 'bus', ok: true },
      ],
    });
  });

  it('counts a check that hangs as not ready', async () => {
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      role: 'bot',
      logger: silentLogger,
      registry: new Registry(),
      checkTimeoutMs: 50,
      checks: [{ name: 'graph', check: () => new Promise(() => {}) }],
    });
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(503);
    expect(JSON.stringify(await response.json())).toContain('no answer within 50 ms');
  });

  it('serves the registry as Prometheus text', async () => {
    const registry = new Registry();
    ingestMetrics(registry).eventsApplied.inc(42);
    commandMetrics(registry).duration.observe({ command: 'top', outcome: 'ok' }, 0.012);
    server = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      role: 'start',
      logger: silentLogger,
      registry,
      checks: [],
    });
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('twitchgraph_ingest_events_applied_total 42');
    expect(text).toContain('twitchgraph_command_duration_seconds_count{command="top",outcome="ok"} 1');
    expect(text).toContain('twitchgraph_process_resident_memory_bytes');
  });
});
