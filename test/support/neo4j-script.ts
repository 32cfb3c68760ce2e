/** Drive scripts/infra/neo4j.sh from tests (the integration setup, and tests that stop and start a server). */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const NEO4J_SCRIPT = fileURLToPath(new URL('../../scripts/infra/neo4j.sh', import.meta.url));

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
