/**
 * The operations endpoints every role serves on `OPS_PORT`: `/healthz` (the process answers), `/readyz`
 * (its graph and bus answer, within a timeout each) and `/metrics` (Prometheus text from the process
 * registry). A separate small server, so a role without a web page (worker, listener, bot) has them too.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { collectDefaultMetrics } from 'prom-client';
import { hostAllowList, securityHeaders, smallBodies } from '../http/http-guards.js';
import type { Logger } from '../logging.js';
import { METRIC_PREFIX, metricsRegistry } from './metrics.js';

/** A dependency that must answer for the role to be ready; `check` rejects when it does not. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

export interface OpsServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  role: string;
  checks: readonly ReadinessCheck[];
  logger: Logger;
  registry?: Registry;
  /** Per check, in milliseconds (default 2 s). */
  checkTimeoutMs?: number;
  /** Host names answered besides loopback names and the bind address (`HTTP_ALLOWED_HOSTS`). */
  allowedHosts?: readonly string[];
}

export interface OpsServer {
  url: string;
  close(): Promise<void>;
}

const registriesWithDefaults = new WeakSet<Registry>();

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function opsApp(options: Omit<OpsServerOptions, 'port'>): Hono {
  const registry = options.registry ?? metricsRegistry;
  if (!registriesWithDefaults.has(registry)) {
    // Process metrics (CPU, memory, event-loop lag, GC) beside the product's own.
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    registriesWithDefaults.add(registry);
  }
  const started = Date.now();
  const app = new Hono();
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.use(hostAllowList({ bindHost: options.host, extra: options.allowedHosts ?? [] }));
  app.use(securityHeaders());
  app.use(smallBodies());
  app.get('/healthz', (c) =>
    c.json({ status: 'ok', role: options.role, uptimeSeconds: Math.round((Date.now() - started) / 1000) }),
  );
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      options.checks.map(async (readiness) => {
        const { name } = readiness;
        try {
          await withTimeout(readiness.check(), options.checkTimeoutMs ?? 2_000);
          return { name, ok: true };
        } catch (error) {
          return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    if (!ready) options.logger.warn({ checks: results }, 'not ready');
    return c.json(
      { status: ready ? 'ready' : 'not ready', role: options.role, checks: results },
      ready ? 200 : 503,
    );
  });
  app.get('/metrics', async (c) =>
    c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }),
  );
  return app;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = opsApp(options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () =>
      resolve(s as Server),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  options.logger.info({ url, role: options.role }, 'ops endpoints: /healthz /readyz /metrics');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
