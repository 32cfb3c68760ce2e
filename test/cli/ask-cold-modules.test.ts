/**
 * A cold `twitchgraph ask` loads only what answering needs (issue 19: an answer in under a second on a
 * 1M-relationship store): no Discord, Kafka, Twitch chat, HTTP server, CSV parser or Bolt driver, and no
 * picture code unless `--out` asks for pictures. The installed binary is run with a module loader hook that
 * writes down every module it resolves.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DERIVED_FILE } from '../../src/graph/embedded/derived-file.js';
import { ensureBuiltDist } from '../support/built-binary.js';
import { demoDatasetDir } from '../support/demo-dataset.js';
import { REPO_ROOT, spawnCli, untilExit } from '../support/spawn-cli.js';
import { useTempDirs } from '../support/temp-dir.js';

const tempDir = useTempDirs('twitchgraph-ask-modules-');

beforeAll(ensureBuiltDist, 180_000);

/**
 * The loader hook appends each URL an `import` resolves to the file named by MODULE_LOG (it runs off the
 * main thread); CommonJS packages loaded with `require` are added from the require cache at exit.
 */
const HOOK = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.MODULE_LOG, resolved.url + '\\n');
  return resolved;
}`;
const REGISTER = `import { register, createRequire } from 'node:module';
import { appendFileSync } from 'node:fs';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});
process.on('exit', () => {
  const required = Object.keys(createRequire(process.cwd() + '/').cache);
  appendFileSync(process.env.MODULE_LOG, required.join('\\n') + '\\n');
});`;

/** The packages (under node_modules) `twitchgraph <args>` loads, and its exit code. */
async function packagesLoaded(args: readonly string[], dataDir: string) {
  const log = join(tempDir(), 'modules.log');
  const child = spawn(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(REGISTER)}`,
      join(REPO_ROOT, 'bin/twitchgraph.js'),
      ...args,
    ],
    {
      cwd: dataDir,
      env: { ...process.env, TWITCHGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'warn', MODULE_LOG: log },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const packages = new Set<string>();
  for (const url of readFileSync(log, 'utf8').split('\n')) {
    const name = /[/\\]node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)[/\\]/.exec(url)?.[1]?.replace('\\', '/');
    if (name !== undefined) packages.add(name);
  }
  return { code, err, packages };
}

const NEVER_FOR_ASK = [
  'discord.js',
  'kafkajs',
  'tmi.js',
  'neo4j-driver',
  'hono',
  '@hono/node-server',
  'csv-parse',
  'prom-client',
  'pino-pretty',
];
const PICTURES = ['@napi-rs/canvas', 'd3-force'];

describe('cold ask (installed binary)', () => {
  it('loads no Discord, Kafka, chat, server, CSV or picture modules without --out; pictures with it', async () => {
    const dataDir = tempDir();
    const imported = spawnCli(
      ['import', '--data', demoDatasetDir()],
      { TWITCHGRAPH_DATA_DIR: dataDir },
      'binary',
    );
    expect((await untilExit(imported)).code).toBe(0);
    // The import computed what questions share and kept it beside the snapshot for them.
    expect(existsSync(join(dataDir, DERIVED_FILE))).toBe(true);

    const text = await packagesLoaded(['ask', '/streamer', 'lck_korea'], dataDir);
    expect(text.err).toBe('');
    expect(text.code).toBe(0);
    // The hook saw the packages the answer does need, so an empty list cannot pass for a clean one.
    expect(text.packages).toContain('zod');
    for (const name of [...NEVER_FOR_ASK, ...PICTURES]) expect(text.packages).not.toContain(name);

    // /streamer names the channel's community: `import` kept the communities beside the snapshot, so
    // Louvain does not load; with nothing kept it does (so the hook would see it), and /stats groups nothing.
    expect(text.packages).not.toContain('graphology');
    rmSync(join(dataDir, DERIVED_FILE));
    const computed = await packagesLoaded(['ask', '/streamer', 'lck_korea'], dataDir);
    expect(computed.code).toBe(0);
    expect(computed.packages).toContain('graphology');
    const stats = await packagesLoaded(['ask', '/stats'], dataDir);
    expect(stats.code).toBe(0);
    expect(stats.packages).not.toContain('graphology');
    expect(stats.packages).not.toContain('graphology-communities-louvain');

    const drawn = await packagesLoaded(['ask', '/streamer', 'lck_korea', '--out', tempDir()], dataDir);
    expect(drawn.code).toBe(0);
    for (const name of PICTURES) expect(drawn.packages).toContain(name);
  }, 120_000);
});
