/**
 * The playground: a local web page that runs any slash command through the shared dispatcher and shows
 * the answer as the Discord adapter lays it out (same embeds, pages and pictures), plus a live panel of
 * ingest activity fed by server-sent events.
 *
 * Server: hono on @hono/node-server — two small dependency-free packages with web-standard requests and
 * responses and a server-sent-events helper. The page is plain HTML/CSS/JS from `static/`, no build step.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { serve } from '@hono/node-server';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import { CommandLineError, parseCommandLine } from '../commands/command-line.js';
import type { CommandDefinition, CommandGraph } from '../commands/command.js';
import { isRestricted } from '../commands/command.js';
import { dispatch } from '../commands/dispatcher.js';
import { NameSuggester } from '../commands/name-suggester.js';
import type { AnyCommand } from '../commands/registry.js';
import { buildRegistry } from '../commands/registry.js';
import { drawPicturesOnDemand } from '../render/picture-drawer.js';
import type { PictureDrawer, Reply } from '../reply/reply.js';
import { errorReply } from '../reply/reply.js';
import type { Config } from '../config.js';
import { ConfigError } from '../config.js';
import type { PagedReply, ReplyPage, TableImageRenderer } from '../discord/reply-message.js';
import { pageReply } from '../discord/reply-message.js';
import { defaultTableImageRenderer } from '../discord/table-image-hook.js';
import { BusyQueue } from '../http/busy-queue.js';
import {
  hostAllowList,
  isLoopbackBind,
  originHost,
  securityHeaders,
  smallBodies,
} from '../http/http-guards.js';
import { BotDetector } from '../insights/bot-detector.js';
import type { Logger } from '../logging.js';
import type { IngestActivitySource } from './ingest-activity.js';
import { completeLine } from './line-completion.js';

export interface PlaygroundOptions {
  config: Config;
  graph: CommandGraph;
  activity: IngestActivitySource;
  logger: Logger;
  registry?: ReadonlyMap<string, AnyCommand>;
  /** Port to listen on instead of `HTTP_PORT` (0 picks a free one). */
  port?: number;
  tableImage?: TableImageRenderer;
  /** Draws a reply's pictures before it is laid out (default: `src/render/`, loaded on first use). */
  drawPictures?: PictureDrawer;
  /** Commands run at once and queued behind them before new ones are told "busy" (default 2 and 16). */
  concurrency?: { running: number; waiting: number };
}

export interface Playground {
  url: string;
  close(): Promise<void>;
}

/** `static/` beside this module (source under tsx, or dist/ when the build copied it), else in the package's src/. */
function staticDir(): string {
  const here = fileURLToPath(new URL('./static/', import.meta.url));
  if (existsSync(join(here, 'index.html'))) return here;
  return fileURLToPath(new URL('../../src/playground/static/', import.meta.url));
}

// A Map, not an object: `/static/constructor` must not find Object.prototype's.
const STATIC_FILES = new Map<string, string>([
  ['index.html', 'text/html; charset=utf-8'],
  ['playground.css', 'text/css; charset=utf-8'],
  ['playground.js', 'text/javascript; charset=utf-8'],
]);

/** Refused at start: the playground would be reachable from other machines without a token. */
function tokenRequired(host: string): ConfigError {
  return new ConfigError([
    `PLAYGROUND_TOKEN: required (16+ characters) because HTTP_HOST=${host} lets other machines reach the playground; or bind HTTP_HOST to 127.0.0.1`,
  ]);
}

const TOKEN_COOKIE = 'twitchgraph_token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares in constant time (hashes first, so the lengths match). */
function tokenMatches(given: string | undefined, token: string): boolean {
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** A page index from the path: a small whole number, else 0. */
function pageIndex(raw: string): number {
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

interface StoredReply {
  pages: PagedReply;
  rendered: Map<number, ReplyPage>;
  at: number;
}

/** How many answers are kept for their pages and pictures; the oldest go first. */
const KEPT_REPLIES = 200;

function pageJson(id: string, page: ReplyPage, pages: PagedReply) {
  return {
    id,
    index: page.index,
    count: page.count,
    status: pages.reply.status,
    ephemeral: pages.reply.ephemeral,
    embeds: page.embeds,
    files: page.files.map((f) => ({
      name: f.name,
      url: `/api/replies/${id}/files/${page.index}/${encodeURIComponent(f.name)}`,
      width: f.width,
      height: f.height,
      description: f.description,
    })),
  };
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { config, graph, activity, logger } = options;
  const token = config.http.playgroundToken;
  if (!isLoopbackBind(config.http.host) && token === undefined) throw tokenRequired(config.http.host);
  const queue = new BusyQueue(options.concurrency?.running ?? 2, options.concurrency?.waiting ?? 16);
  const registry = options.registry ?? buildRegistry();
  const definitions = new Map<string, CommandDefinition>([...registry].map(([n, c]) => [n, c.definition]));
  const suggester = new NameSuggester(graph);
  const bots = new BotDetector(graph, { extraLogins: config.bots.extraLogins });
  const tableImage = options.tableImage ?? defaultTableImageRenderer();
  const draw = options.drawPictures ?? drawPicturesOnDemand;
  const replies = new Map<string, StoredReply>();
  const dir = staticDir();
  const streams = new Set<AbortController>();

  const store = (pages: PagedReply): string => {
    const id = randomBytes(9).toString('base64url');
    replies.set(id, { pages, rendered: new Map(), at: Date.now() });
    for (const key of replies.keys()) {
      if (replies.size <= KEPT_REPLIES) break;
      replies.delete(key);
    }
    return id;
  };
  const page = async (stored: StoredReply, index: number): Promise<ReplyPage> => {
    const cached = stored.rendered.get(index);
    if (cached !== undefined) return cached;
    const rendered = await stored.pages.page(index);
    stored.rendered.set(rendered.index, rendered);
    return rendered;
  };

  const app = new Hono();
  app.onError((error, c) => {
    // Hono's own answers (413 from the body limit, malformed JSON) are the client's mistake.
    if (error instanceof HTTPException) return error.getResponse();
    logger.error({ err: error, path: c.req.path }, 'playground request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.use(hostAllowList({ bindHost: config.http.host, extra: config.http.allowedHosts }));
  app.use(securityHeaders());
  app.use(smallBodies());

  const sendStatic = async (name: string) => {
    const type = STATIC_FILES.get(name);
    if (type === undefined) return new Response('not found', { status: 404 });
    const body = await readFile(join(dir, name));
    return new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
  };
  const authorised = (
    c: { req: { header(name: string): string | undefined } },
    cookie: string | undefined,
  ) => {
    if (token === undefined) return true;
    const bearer = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
    return tokenMatches(bearer, token) || tokenMatches(cookie, token);
  };
  app.get('/', (c) => {
    const given = c.req.query('token');
    if (given !== undefined && token !== undefined && tokenMatches(given, token)) {
      // Once: the token moves into a cookie other sites' pages cannot send, and out of the address bar.
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return c.redirect('/', 303);
    }
    return sendStatic('index.html');
  });
  app.get('/static/:name', (c) => sendStatic(c.req.param('name')));

  app.get('/api/commands', (c) =>
    c.json(
      [...definitions.values()].map((d) => ({
        name: d.name,
        description: d.description,
        restricted: d.restricted === true,
      })),
    ),
  );

  app.get('/api/complete', async (c) => {
    const line = (c.req.query('line') ?? '').slice(0, 500);
    return c.json(await completeLine(line, definitions, (kind, typed) => suggester.suggest(kind, typed)));
  });

  const firstPage = async (reply: Reply) => {
    const pages = pageReply(await draw(reply), tableImage === undefined ? {} : { tableImage });
    const id = store(pages);
    return { id, pages, first: await page(replies.get(id) as StoredReply, 0) };
  };
  // Refusals come as an error card too, so the page shows them like any other answer.
  const refuse = async (c: Context, status: 401 | 503, title: string, detail: string) => {
    const { id, first, pages } = await firstPage(errorReply(title, detail));
    if (status === 503) c.header('retry-after', '1');
    return c.json({ ...pageJson(id, first, pages), outcome: 'refused', elapsedMs: 0, error: detail }, status);
  };
  const BUSY = 'busy: too many commands at once; try again in a moment';
  const busy = (c: Context) => refuse(c, 503, 'Busy', BUSY);
  /** A page already drawn is served at once; drawing one waits its turn with the commands. */
  const pageInTurn = async (stored: StoredReply, index: number) => {
    const cached = stored.rendered.get(index);
    return cached !== undefined
      ? { busy: false as const, value: cached }
      : queue.run(() => page(stored, index));
  };

  app.post('/api/run', async (c) => {
    // Only this page may run commands: a JSON body cannot be posted cross-site without a CORS preflight,
    // which this server never grants, and a foreign Origin is refused outright.
    const origin = c.req.header('origin');
    if (origin !== undefined && originHost(origin) !== c.req.header('host'))
      return c.json({ error: 'cross-site request refused' }, 403);
    if (!(c.req.header('content-type') ?? '').startsWith('application/json'))
      return c.json({ error: 'send JSON: {"line": "/help"}' }, 415);
    const input: unknown = await c.req.json().catch(() => null);
    const line =
      typeof input === 'object' && input !== null && 'line' in input && typeof input.line === 'string'
        ? input.line.slice(0, 6000)
        : '';
    try {
      const invocation = parseCommandLine(line, definitions);
      const definition = definitions.get(invocation.command);
      if (
        definition !== undefined &&
        isRestricted(definition, invocation.subcommand) &&
        !authorised(c, getCookie(c, TOKEN_COOKIE))
      )
        return refuse(
          c,
          401,
          'Restricted command',
          'This playground is reachable from other machines: restricted commands need its PLAYGROUND_TOKEN (open the page once as /?token=…, or send Authorization: Bearer …).',
        );
      // The answer and its first page's pictures are the heavy part: both inside the queue.
      const ran = await queue.run(async () => {
        const answer = await dispatch(invocation, registry, { graph, caller: 'playground', bots });
        return { answer, ...(await firstPage(answer.reply)) };
      });
      if (ran.busy) return busy(c);
      const { answer, id, first, pages } = ran.value;
      if (answer.outcome === 'failed') logger.error({ err: answer.error, line }, 'command failed');
      return c.json({
        ...pageJson(id, first, pages),
        outcome: answer.outcome,
        elapsedMs: Math.round(answer.elapsedMs),
      });
    } catch (error) {
      if (!(error instanceof CommandLineError)) throw error;
      const reply = errorReply('Cannot read that command', error.message, ['Type / to see the commands.']);
      const { id, first, pages } = await firstPage(reply);
      return c.json({ ...pageJson(id, first, pages), outcome: 'bad-arguments', elapsedMs: 0 });
    }
  });

  app.get('/api/replies/:id/pages/:index', async (c) => {
    const stored = replies.get(c.req.param('id'));
    if (stored === undefined) return c.json({ error: 'this answer has expired; run the command again' }, 404);
    const ran = await pageInTurn(stored, pageIndex(c.req.param('index')));
    if (ran.busy) return busy(c);
    const rendered = ran.value;
    return c.json(pageJson(c.req.param('id'), rendered, stored.pages));
  });

  app.get('/api/replies/:id/files/:index/:name', async (c) => {
    const stored = replies.get(c.req.param('id'));
    if (stored === undefined) return c.text('expired', 404);
    const ran = await pageInTurn(stored, pageIndex(c.req.param('index')));
    if (ran.busy) return c.text(BUSY, 503, { 'retry-after': '1' });
    const rendered = ran.value;
    const file = rendered.files.find((f) => f.name === c.req.param('name'));
    if (file === undefined) return c.text('not found', 404);
    return new Response(new Uint8Array(file.data), {
      headers: { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' },
    });
  });

  app.get('/api/activity', (c) =>
    streamSSE(c, async (stream) => {
      const done = new AbortController();
      streams.add(done);
      let pending: ReturnType<typeof setTimeout> | undefined;
      const send = () => {
        pending = undefined;
        void stream.writeSSE({ event: 'activity', data: JSON.stringify(activity.snapshot()) });
      };
      // At most four updates a second however fast batches arrive.
      const unsubscribe = activity.subscribe(() => {
        pending ??= setTimeout(send, 250);
      });
      stream.onAbort(() => done.abort());
      send();
      // A snapshot every 2 s also lets events/s fall back to zero when ingestion stops.
      while (!done.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 2_000).unref());
        if (!done.signal.aborted) send();
      }
      unsubscribe();
      clearTimeout(pending);
      streams.delete(done);
    }),
  );

  const port = options.port ?? config.http.port;
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: config.http.host }, () => resolve(s as Server));
    s.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new Error(
              `the playground cannot listen on ${config.http.host}:${port}: ` +
                (error.code === 'EADDRINUSE'
                  ? 'the port is in use by another program'
                  : 'permission denied') +
                '; set HTTP_PORT to a free port (0 picks one)',
              { cause: error },
            )
          : error,
      ),
    );
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}/`;
  logger.info({ url }, 'playground is listening');
  return {
    url,
    async close() {
      for (const s of streams) s.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
