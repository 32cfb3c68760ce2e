/**
 * Global setup for the integration suite: a real Apache Kafka broker (scripts/infra/kafka.sh, KRaft, one
 * JVM) for the whole run, stopped at the end. Its address reaches tests through `inject('kafkaBrokers')`
 * (see test/integration/support/kafka.ts).
 *
 * `KAFKA_TEST_BROKERS=host:port` uses a broker that is already running instead; fault tests that stop and
 * start the broker then cannot run and say so.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Comma-separated bootstrap brokers. */
    kafkaBrokers: string;
    /** The instance folder of the broker this run started (null when KAFKA_TEST_BROKERS was given). */
    kafkaStateDir: string | null;
  }
}

const run = promisify(execFile);
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const KAFKA_SCRIPT = `${REPO_ROOT}scripts/infra/kafka.sh`;
/** The suite's own broker folder, so a developer's broker (.cache/kafka/instance) is left alone. */
export const TEST_STATE_DIR = `${REPO_ROOT}.cache/kafka/test-instance`;

export async function kafkaScript(command: 'start' | 'stop', stateDir: string): Promise<string> {
  const { stdout, stderr } = await run('bash', [KAFKA_SCRIPT, command], {
    env: { ...process.env, KAFKA_STATE_DIR: stateDir },
    timeout: 600_000, // the first start downloads the jars
    maxBuffer: 16 * 1024 * 1024,
  });
  if (stderr.trim() !== '') process.stderr.write(stderr);
  return stdout.trim().split('\n').pop() ?? '';
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.KAFKA_TEST_BROKERS?.trim();
  if (given !== undefined && given !== '') {
    project.provide('kafkaBrokers', given);
    project.provide('kafkaStateDir', null);
    return undefined;
  }
  const brokers = await kafkaScript('start', TEST_STATE_DIR);
  if (!/^127\.0\.0\.1:\d+$/.test(brokers))
    throw new Error(`kafka.sh start printed "${brokers}", not an address`);
  project.provide('kafkaBrokers', brokers);
  project.provide('kafkaStateDir', TEST_STATE_DIR);
  return async () => {
    await kafkaScript('stop', TEST_STATE_DIR);
  };
}
