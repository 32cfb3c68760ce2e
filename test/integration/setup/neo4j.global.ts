/**
 * Global setup for the integration suite: a real Neo4j 5 server for the Bolt tests.
 *
 * With `NEO4J_URL` set, that server is used as it is. Otherwise `scripts/infra/neo4j.sh start` fetches
 * Neo4j from Maven Central (first run only), starts it on a free loopback port and prints its URL; the
 * URL reaches the tests through `inject('neo4jUrl')`. The server is stopped afterwards only if this setup
 * started it (one that was already running, e.g. started by hand, is left alone).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bolt URL of the Neo4j server the integration tests use. */
    neo4jUrl: string;
  }
}

export const NEO4J_SCRIPT = fileURLToPath(new URL('../../../scripts/infra/neo4j.sh', import.meta.url));

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `scripts/infra/neo4j.sh <command>`; `env` adds variables such as NEO4J_STATE_DIR. */
export function neo4jScript(
  command: 'start' | 'stop' | 'status' | 'url' | 'reset',
  env: Record<string, string> = {},
): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      [NEO4J_SCRIPT, command],
      { env: { ...process.env, ...env }, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The URL a successful `start` printed (its last line on stdout). */
export function urlFrom(result: ScriptResult): string {
  const url = result.stdout.trim().split('\n').at(-1) ?? '';
  if (result.code !== 0 || !url.startsWith('bolt://'))
    throw new Error(
      `scripts/infra/neo4j.sh start failed (exit ${result.code}):\n${result.stderr}${result.stdout}`,
    );
  return url;
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
