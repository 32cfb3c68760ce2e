/**
 * Kafka for integration tests: the broker from the global setup, unique topic and group names per test
 * (random UUID suffix) deleted after it, and stop/start of the broker for fault tests.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, inject } from 'vitest';
import { KafkaEventBus } from '../../../src/ingest/bus/kafka-bus.js';
import type { Logger } from '../../../src/logging.js';
import { pino } from 'pino';
import { silentLogger } from '../../../src/logging.js';
import { kafkaScript } from '../setup/kafka.global.js';

export function kafkaBrokers(): string[] {
  return inject('kafkaBrokers').split(',');
}

/** Whether this run started the broker itself (and so can stop and start it). */
export function canRestartBroker(): boolean {
  return inject('kafkaStateDir') !== null;
}

function stateDir(): string {
  const dir = inject('kafkaStateDir');
  if (dir === null) throw new Error('the broker was given by KAFKA_TEST_BROKERS: this run cannot restart it');
  return dir;
}

/** Stop the broker (SIGTERM, then SIGKILL after 30 s); its data and port are kept. */
export async function stopBroker(): Promise<void> {
  await kafkaScript('stop', stateDir());
}

/** Start the broker again on the same port with the same data, and wait until it is ready. */
export async function startBroker(): Promise<void> {
  await kafkaScript('start', stateDir());
}

export interface KafkaFixture {
  /** A bus on the test broker; closed after the test. */
  bus: (logger?: Logger) => KafkaEventBus;
  /** A topic name unique to this test; created by whoever uses it first, deleted after the test. */
  topic: (prefix?: string) => string;
  group: (prefix?: string) => string;
}

/** Call at the top of a describe block: names and buses made through it are cleaned up after each test. */
export function useKafka(): KafkaFixture {
  const buses: KafkaEventBus[] = [];
  const topics: string[] = [];
  const groups: string[] = [];
  afterEach(async () => {
    const admin = new KafkaEventBus({
      brokers: kafkaBrokers(),
      clientId: 'test-cleanup',
      logger: silentLogger,
    });
    try {
      await Promise.allSettled(buses.splice(0).map((b) => b.close()));
      await admin.deleteTopics(topics.splice(0));
      const madeGroups = groups.splice(0);
      if (madeGroups.length > 0) await admin.deleteGroups(madeGroups).catch(() => undefined);
    } finally {
      await admin.close();
    }
  });
  return {
    bus: (logger = testLogger()) => {
      const bus = new KafkaEventBus({ brokers: kafkaBrokers(), clientId: 'twitchgraph-test', logger });
      buses.push(bus);
      return bus;
    },
    topic: (prefix = 'chatters') => {
      const name = `${prefix}-${randomUUID()}`;
      topics.push(name);
      return name;
    },
    group: (prefix = 'ingest') => {
      const name = `${prefix}-${randomUUID()}`;
      groups.push(name);
      return name;
    },
  };
}

/** Silent unless TEST_LOG_LEVEL is set (e.g. `TEST_LOG_LEVEL=debug` to see kafkajs and the worker). */
export function testLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL;
  return level === undefined || level === '' ? silentLogger : pino({ level }, pino.destination(2));
}
