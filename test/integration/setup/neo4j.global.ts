/**
 * Global setup for the integration suite: a real Neo4j 5 server for the Bolt tests.
 *
 * With `NEO4J_URL` set, that server is used as it is. Otherwise `scripts/infra/neo4j.sh start` fetches
 * Neo4j from Maven Central (first run only), starts it on a free loopback port and prints its URL; the
 * URL reaches the tests through `inject('neo4jUrl')`. The server is stopped afterwards only if this setup
 * started it (one that was already running, e.g. started by hand, is left alone).
 */
import type { TestProject } from 'vitest/node';
import { neo4jScript, urlFrom } from '../../support/neo4j-script.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bolt URL of the Neo4j server the integration tests use. */
    neo4jUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.NEO4J_URL;
  if (given !== undefined && given !== '') {
    project.provide('neo4jUrl', given);
    return undefined;
  }
  const wasRunning = (await neo4jScript('status')).code === 0;
  const url = urlFrom(await neo4jScript('start'));
  project.provide('neo4jUrl', url);
  if (wasRunning) return undefined;
  return async () => {
    const stopped = await neo4jScript('stop');
    if (stopped.code !== 0) console.error(`neo4j.sh stop failed:\n${stopped.stderr}`);
  };
}
