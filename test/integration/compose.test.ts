/**
 * The production deployment without Docker: the roles of docker-compose.yml run here as the processes the
 * containers would run — each service's command with its environment from the compose file — with the
 * container host names (kafka:19092, memgraph-mage:7687) pointed at the test's real Kafka and Neo4j.
 * End to end: import → replay → Kafka → worker → graph → `ask`, with /metrics scraped while events flow and
 * a SIGTERM in the middle of ingest that must lose and double nothing.
 */
import { readFileSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inject, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { CONFIG_VARIABLES } from '../../src/config.js';
import { totalMessages } from '../support/chat-events.js';
import { emptyBoltStore } from '../support/bolt.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { metricValue } from '../support/prometheus-text.js';
import { useTempDirs } from '../support/temp-dir.js';
import { REPO_ROOT } from '../support/spawn-cli.js';
import { kafkaBrokers, useKafka } from './support/kafka.js';
import { spawnCli, untilExit } from '../support/spawn-cli.js';
import { waitFor } from './support/pipeline.js';

const kafka = useKafka();
const tempDir = useTempDirs('twitchgraph-compose-');

const serviceSchema = z.object({
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string() })).optional(),
  healthcheck: z.object({ test: z.array(z.string()) }).optional(),
  profiles: z.array(z.string()).optional(),
});
const composeSchema = z.object({ services: z.record(z.string(), serviceSchema) });
type Service = z.infer<typeof serviceSchema>;

function loadCompose(): Record<string, Service> {
  const text = readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8');
  return composeSchema.parse(parse(text, { merge: true })).services;
}

/** `${NAME:-default}` as compose interpolates it with NAME unset (this test's shell has no .env). */
function interpolate(value: string | number): string {
  return String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

function roleEnvironment(service: Service, addresses: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    let text = interpolate(value);
    for (const [container, local] of Object.entries(addresses)) text = text.replace(container, local);
    env[key] = text;
  }
  return env;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function scrape(port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

async function ask(question: string, env: Record<string, string>): Promise<unknown> {
  const proc = spawnCli(['ask', question, '--json'], { ...env, LOG_LEVEL: 'warn' });
  const exit = await untilExit(proc);
  expect(exit, proc.output()).toEqual({ code: 0, signal: null });
  const output = proc.output();
  return JSON.parse(output.slice(output.indexOf('{'))) as unknown;
}

describe('docker-compose.yml', () => {
  it('declares the three roles on Memgraph and Kafka, started after both are healthy, with health checks', () => {
    const services = loadCompose();
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(['memgraph-mage', 'kafka', 'listener', 'worker', 'bot']),
    );
    const commands = { worker: 'ingest', listener: 'listen', bot: 'bot' } as const;
    for (const [name, command] of Object.entries(commands)) {
      const service = services[name] as Service;
      expect(service.command, name).toEqual([command]);
      expect(service.healthcheck?.test.join(' '), name).toContain('/healthz');
      expect(service.depends_on?.['memgraph-mage']?.condition, name).toBe('service_healthy');
      const env = roleEnvironment(service, {});
      expect(env.GRAPH_URL, name).toBe('bolt://memgraph-mage:7687');
      // Every variable the compose file sets is one the configuration knows (a typo would be ignored).
      expect(
        Object.keys(env).filter((key) => !CONFIG_VARIABLES.includes(key)),
        name,
      ).toEqual([]);
    }
    for (const name of ['worker', 'listener'])
      expect(services[name]?.depends_on?.kafka?.condition, name).toBe('service_healthy');
    const http = services['bot-http'] as Service;
    expect(http.command).toEqual(['bot', '--http']);
    expect(http.profiles).toEqual(['http']);
    expect(Object.keys(roleEnvironment(http, {})).filter((key) => !CONFIG_VARIABLES.includes(key))).toEqual(
      [],
    );
    expect(services['memgraph-mage']?.healthcheck).toBeDefined();
    expect(services.kafka?.healthcheck).toBeDefined();
  });

  it('runs end to end outside Docker: import, replay → Kafka → worker → Neo4j → ask; SIGTERM mid-ingest loses nothing', async () => {
    const services = loadCompose();
    const addresses = {
      'kafka:19092': kafkaBrokers().join(','),
      'bolt://memgraph-mage:7687': inject('neo4jUrl'),
    };
    // A topic and group of this test's own on the shared broker; a data dir so no developer .env is read.
    const isolation = {
      KAFKA_TOPIC: kafka.topic(),
      KAFKA_DLQ_TOPIC: kafka.topic('dlq'),
      KAFKA_GROUP_ID: kafka.group(),
      TWITCHGRAPH_DATA_DIR: tempDir(),
    };
    const workerPort = await freePort();
    const workerEnv: Record<string, string> = {
      ...roleEnvironment(services.worker as Service, addresses),
      ...isolation,
      OPS_PORT: String(workerPort),
    };
    expect(workerEnv.GRAPH_URL).toBe(inject('neo4jUrl'));
    expect(workerEnv.KAFKA_BROKERS).toBe(kafkaBrokers().join(','));
    const store = await emptyBoltStore(inject('neo4jUrl'));
    try {
      // The streamers and their facts first (what `docker compose run --rm worker import` does), without the
      // chatters: those arrive as events.
      const seed = tempDir();
      for (const file of ['streamers.csv', 'teams.csv', 'vips.csv', 'moderators.csv'])
        symlinkSync(join(demoDatasetDir(), file), join(seed, file));
      const imported = spawnCli(['import', '--data', seed], { ...workerEnv, OPS_PORT: '0' });
      expect(await untilExit(imported), imported.output()).toEqual({ code: 0, signal: null });

      const first = spawnCli(['ingest'], workerEnv);
      const replay = spawnCli(
        ['replay', '--file', join(demoDatasetDir(), 'chatters.csv'), '--rate', '3000'],
        { ...workerEnv, OPS_PORT: '0' },
      );
      await waitFor('the worker to apply some events', async () => {
        const text = await scrape(workerPort).catch(() => '');
        return metricValue(text, 'twitchgraph_ingest_events_applied_total') >= 3_000;
      });
      const before = await scrape(workerPort);
      // Both counters must move: the worker takes events in by whole fetches (one can hold 9,000 events, as a
      // CI run saw) and applies them in batches, so "in" may stand still while "applied" catches up.
      await waitFor('more events to be taken in and applied', async () => {
        const text = await scrape(workerPort);
        return (
          metricValue(text, 'twitchgraph_ingest_events_applied_total') >
            metricValue(before, 'twitchgraph_ingest_events_applied_total') + 2_000 &&
          metricValue(text, 'twitchgraph_ingest_events_in_total') >
            metricValue(before, 'twitchgraph_ingest_events_in_total')
        );
      });
      const after = await scrape(workerPort);
      for (const name of ['twitchgraph_ingest_events_in_total', 'twitchgraph_ingest_events_applied_total'])
        expect(metricValue(after, name), name).toBeGreaterThan(metricValue(before, name));
      expect(metricValue(after, 'twitchgraph_ingest_batch_size_count')).toBeGreaterThan(
        metricValue(before, 'twitchgraph_ingest_batch_size_count'),
      );
      const applied = metricValue(after, 'twitchgraph_ingest_events_applied_total');
      expect(applied).toBeLessThan(28_950);

      // Stop the worker in the middle of ingest (it has applied part of the events).
      first.child.kill('SIGTERM');
      expect(await untilExit(first), first.output()).toEqual({ code: 0, signal: null });
      const ids = (await store.streamersBy({ language: null, game: null })).map((s) => s.id);
      expect(ids).toHaveLength(57);
      const countedAtStop = await totalMessages(store, ids);
      expect(countedAtStop).toBeGreaterThanOrEqual(applied);

      expect(await untilExit(replay, 90_000), replay.output()).toEqual({ code: 0, signal: null });
      const second = spawnCli(['ingest'], workerEnv);
      await waitFor('every event counted', async () => (await totalMessages(store, ids)) >= 28_950, 90_000);
      second.child.kill('SIGTERM');
      expect(await untilExit(second), second.output()).toEqual({ code: 0, signal: null });
      expect(await totalMessages(store, ids)).toBe(28_950);

      const askEnv = { ...workerEnv, OPS_PORT: '0' };
      const stats = (await ask('/stats', askEnv)) as { data: Record<string, number> };
      expect(stats.data).toMatchObject({ CHATTER: 28_950, Stream: 57 });
      const streamer = (await ask('/streamer lck_korea', askEnv)) as { data: { chatters: unknown[] } };
      expect(streamer.data.chatters.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});
