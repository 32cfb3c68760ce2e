/**
 * `ask` through a running `start` (docs/ARCHITECTURE.md, "A cold `ask`"): a fresh process must recompute
 * communities, bot flags and the PageRank input for the heavy questions, which the running `start` keeps
 * warm. So `start` listens on loopback for questions, with a random secret per run, and says where in a
 * discovery file in the data directory that only its user can read; `ask` sends the question there when
 * that file names a live process, and reads the store itself otherwise.
 *
 * The wire: POST /ask with `Authorization: Bearer <secret>` and `{protocol, version, line}`; the answer is
 * `{outcome, reply}` with the reply's pictures undrawn (an ask that wants pictures reads the store itself).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CommandLineError, parseCommandLine } from '../commands/command-line.js';
import type { CommandGraph } from '../commands/command.js';
import type { DispatchOutcome } from '../commands/dispatcher.js';
import { dispatch } from '../commands/dispatcher.js';
import type { AnyCommand } from '../commands/registry.js';
import { isAlive, processStartTicks } from '../graph/embedded/writer-lock.js';
import { BotDetector } from '../insights/bot-detector.js';
import type { Logger } from '../logging.js';
import type { Reply } from '../reply/reply.js';
import { PACKAGE_ROOT } from './package-paths.js';

/** The discovery file `start` writes into the data directory (mode 0600, removed when it stops). */
export const ASK_ENDPOINT_FILE = 'start-ask.json';
/** Bumped when the request or the answer changes shape; a mismatch makes `ask` read the store itself. */
export const ASK_PROTOCOL = 1;
/** How long `ask` waits for the running start before it reads the store itself. */
export const ASK_TIMEOUT_MS = 5_000;
const MAX_BODY = 16_384;

/** The package version: a start of another version may word its answers differently. */
export function packageVersion(): string {
  const parsed = z
    .object({ version: z.string() })
    .safeParse(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')));
  return parsed.success ? parsed.data.version : 'unknown';
}

const endpointSchema = z.object({
  protocol: z.number().int(),
  version: z.string(),
  pid: z.number().int().positive(),
  host: z.string(),
  startTicks: z.string().optional(),
  // Only loopback literals: the question never leaves this machine, whatever the file says.
  address: z.enum(['127.0.0.1', '::1']),
  port: z.number().int().min(1).max(65_535),
  secret: z.string().min(32),
});
export type AskEndpoint = z.infer<typeof endpointSchema>;

const digest = (value: string) => createHash('sha256').update(value).digest();

const requestSchema = z.object({ protocol: z.number(), version: z.string(), line: z.string().max(6_000) });

const OUTCOMES = ['ok', 'unknown-command', 'bad-arguments', 'failed'] as const satisfies DispatchOutcome[];

const answerSchema = z.object({
  outcome: z.enum(OUTCOMES),
  reply: z
    .object({
      status: z.enum(['ok', 'empty', 'error']),
      title: z.string(),
      notes: z.array(z.string()),
      pictures: z.array(z.unknown()),
      ephemeral: z.boolean(),
    })
    .passthrough(),
});

export interface AskServer {
  endpoint: AskEndpoint;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Answers `ask` inside `start`: loopback only, the per-run secret required, the same commands and bot
 * detector settings a cold `ask` uses, pictures never drawn. Writes the discovery file once listening.
 */
export async function startAskServer(options: {
  dataDir: string;
  graph: CommandGraph;
  registry: ReadonlyMap<string, AnyCommand>;
  extraBotLogins: readonly string[];
  logger: Logger;
}): Promise<AskServer> {
  const { dataDir, graph, registry, logger } = options;
  const secret = randomBytes(32).toString('base64url');
  const version = packageVersion();
  const definitions = new Map([...registry].map(([name, command]) => [name, command.definition]));
  // One detector for every ask: its cached flags are what makes the answer quicker than a cold one.
  const bots = new BotDetector(graph, { extraLogins: [...options.extraBotLogins] });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || req.url !== '/ask') return send(res, 404, { error: 'not found' });
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !timingSafeEqual(digest(bearer), digest(secret)))
      return send(res, 401, { error: 'wrong secret' });
    const text = await readBody(req);
    if (text === undefined) return send(res, 413, { error: 'question too long' });
    let parsed;
    try {
      parsed = requestSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || !parsed.success)
      return send(res, 400, { error: 'send {protocol, version, line}' });
    const { protocol, line } = parsed.data;
    if (protocol !== ASK_PROTOCOL || parsed.data.version !== version)
      return send(res, 409, { error: `this start is version ${version}, protocol ${ASK_PROTOCOL}` });
    let invocation;
    try {
      invocation = parseCommandLine(line, definitions);
    } catch (error) {
      if (!(error instanceof CommandLineError)) throw error;
      return send(res, 400, { error: error.message });
    }
    const result = await dispatch(invocation, registry, { graph, bots, pictures: false });
    if (result.outcome === 'failed') logger.error({ err: result.error, invocation }, 'command failed');
    send(res, 200, { outcome: result.outcome, reply: result.reply });
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'answering an ask failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const endpoint: AskEndpoint = {
    protocol: ASK_PROTOCOL,
    version,
    pid: process.pid,
    host: hostname(),
    ...(processStartTicks(process.pid) === undefined ? {} : { startTicks: processStartTicks(process.pid) }),
    address: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    secret,
  };
  const file = join(dataDir, ASK_ENDPOINT_FILE);
  mkdirSync(dataDir, { recursive: true });
  // Written beside and renamed: a reader never sees half a file. 0600 because the secret is in it; created
  // afresh ('wx'), as a mode applies only to a new file. One fixed name: a start killed between the write
  // and the rename leaves one, which the next start removes here.
  const partial = `${file}.tmp`;
  rmSync(partial, { force: true });
  writeFileSync(partial, `${JSON.stringify(endpoint)}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(partial, file);
  return {
    endpoint,
    async close() {
      // Only our own file: a start that took over the data directory since has written its own.
      if (readEndpoint(dataDir)?.secret === secret) rmSync(file, { force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function readEndpoint(dataDir: string): AskEndpoint | undefined {
  try {
    const parsed = endpointSchema.safeParse(
      JSON.parse(readFileSync(join(dataDir, ASK_ENDPOINT_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export type StartAnswer =
  | { kind: 'none' }
  | { kind: 'unanswered'; reason: string }
  | { kind: 'answer'; outcome: DispatchOutcome; reply: Reply; pid: number };

/** The running start's endpoint, if the discovery file names a live start of this host. */
export function findRunningStart(dataDir: string): AskEndpoint | { unsafe: string } | undefined {
  const file = join(dataDir, ASK_ENDPOINT_FILE);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  // The secret must be ours alone; a file others can write could send the question anywhere on loopback.
  if ((stat.mode & 0o077) !== 0 || (process.getuid !== undefined && stat.uid !== process.getuid()))
    return { unsafe: `${file} is not private to this user` };
  const endpoint = readEndpoint(dataDir);
  if (endpoint === undefined || endpoint.host !== hostname()) return undefined;
  // A start that died without removing its file, or whose PID now belongs to another process.
  if (!isAlive(endpoint.pid)) return undefined;
  if (endpoint.startTicks !== undefined && processStartTicks(endpoint.pid) !== endpoint.startTicks)
    return undefined;
  return endpoint;
}

function post(endpoint: AskEndpoint, body: string, timeoutMs: number) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(
      {
        host: endpoint.address,
        port: endpoint.port,
        method: 'POST',
        path: '/ask',
        headers: {
          authorization: `Bearer ${endpoint.secret}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs);
    req.on('close', () => clearTimeout(timer));
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Asks the running start, if there is one; `unanswered` says why it could not (the caller reads the store). */
export async function askRunningStart(
  dataDir: string,
  line: string,
  timeoutMs = ASK_TIMEOUT_MS,
): Promise<StartAnswer> {
  const found = findRunningStart(dataDir);
  if (found === undefined) return { kind: 'none' };
  if ('unsafe' in found) return { kind: 'unanswered', reason: found.unsafe };
  const version = packageVersion();
  if (found.protocol !== ASK_PROTOCOL || found.version !== version)
    return { kind: 'unanswered', reason: `it is version ${found.version}, this ask ${version}` };
  let response;
  try {
    response = await post(found, JSON.stringify({ protocol: ASK_PROTOCOL, version, line }), timeoutMs);
  } catch (error) {
    return { kind: 'unanswered', reason: error instanceof Error ? error.message : String(error) };
  }
  if (response.status !== 200) {
    const said = /"error":"([^"]*)"/.exec(response.text)?.[1] ?? '';
    return { kind: 'unanswered', reason: `HTTP ${response.status}${said === '' ? '' : ` ${said}`}` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(response.text);
  } catch {
    raw = undefined;
  }
  const parsed = answerSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'unanswered', reason: 'an answer it could not read' };
  // The reply as sent, not zod's copy: `--json` prints its keys in the order the command made them.
  const { reply } = raw as { reply: Reply };
  return { kind: 'answer', outcome: parsed.data.outcome, reply, pid: found.pid };
}
