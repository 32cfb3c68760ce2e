/** Run the CLI in process with captured output and a configuration of the test's choosing. */
import { main } from '../../src/cli.js';
import type { CliIO } from '../../src/cli/cli-context.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logging.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += t), err: (t) => (err += t), errIsTTY: false };
  const code = await main(args, io, (cliIO) => ({
    config: loadConfig({ env, dotenv: false }),
    logger: silentLogger,
    io: cliIO,
  }));
  return { code, out, err };
}
