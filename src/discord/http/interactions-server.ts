/**
 * The Interactions Endpoint URL: Discord POSTs each interaction here instead of sending it over the
 * gateway. Every request is checked before its body is parsed:
 *
 *   signature headers present            else 401
 *   body at most `maxBodyBytes`          else 413 (reading stops at the limit)
 *   timestamp within 5 minutes           else 401 (a captured request cannot be replayed later)
 *   Ed25519 signature over timestamp+body else 401 (Discord sends bad ones when the URL is saved)
 *   a payload zod accepts                else 400
 *
 * A PING is answered with PONG; anything else goes through the same pipeline as the gateway bot, and its
 * first answer becomes the HTTP response.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyObject } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { REST } from 'discord.js';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from '../../logging.js';
import type { InteractionPipeline } from '../interaction-pipeline.js';
import { httpInteraction, RESPONSE } from './http-interaction.js';
import { interactionPayload } from './payload.js';
import { checkSignature } from './signature.js';

export const INTERACTIONS_PATH = '/interactions';

export interface InteractionsEndpointOptions {
  pipeline: InteractionPipeline;
  publicKey: KeyObject;
  logger: Logger;
  /** Discord's REST API base (`DISCORD_API_URL`); Discord's own when absent. */
  apiUrl?: string;
  /** Bot token, only to read a server's roles for an admin role given by name. */
  botToken?: string;
  /** Discord's interaction payloads are a few KiB; anything far larger is not from Discord. */
  maxBodyBytes?: number;
  now?: () => number;
}

export function interactionsApp(options: InteractionsEndpointOptions): Hono<{ Bindings: HttpBindings }> {
  const { pipeline, publicKey, logger } = options;
  const now = options.now ?? Date.now;
  const rest = new REST({ ...(options.apiUrl === undefined ? {} : { api: options.apiUrl }), retries: 1 });
  if (options.botToken !== undefined) rest.setToken(options.botToken);
  const context = { rest, hasBotToken: options.botToken !== undefined };
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.post(
    INTERACTIONS_PATH,
    async (c, next) => {
      // Cheapest refusal first: without both headers nothing is read.
      if (
        c.req.header('x-signature-ed25519') === undefined ||
        c.req.header('x-signature-timestamp') === undefined
      )
        return c.text('missing signature headers', 401);
      await next();
    },
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 64 * 1024,
      // The rest of the body stays unread: close the connection rather than leave it for the next request.
      onError: (c) => c.text('payload too large', 413, { Connection: 'close' }),
    }),
    async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const verdict = checkSignature({
        key: publicKey,
        signature: c.req.header('x-signature-ed25519') ?? '',
        timestamp: c.req.header('x-signature-timestamp') ?? '',
        body,
        nowMs: now(),
      });
      if (!verdict.ok) {
        logger.warn({ reason: verdict.reason }, 'interaction request refused');
        return c.text(`invalid request signature (${verdict.reason})`, 401);
      }
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(body).toString('utf8'));
      } catch {
        return c.text('body is not JSON', 400);
      }
      const parsed = interactionPayload.safeParse(json);
      if (!parsed.success) {
        logger.warn({ issues: parsed.error.issues.slice(0, 3) }, 'interaction payload not understood');
        return c.text('interaction payload not understood', 400);
      }
      const payload = parsed.data;
      if (payload.type === 1) return c.json({ type: RESPONSE.pong });

      const interaction = httpInteraction(payload, context);
      // Edits of `@original` wait until Discord has this response ('close' comes after 'finish', or
      // when the connection dropped).
      c.env.outgoing.once('close', () => interaction.markSent());
      const handled = pipeline.handle(interaction);
      const first = await Promise.race([interaction.first, handled.then(() => null)]);
      // The pipeline always answers; a null here means it finished without a first answer.
      const response = first ?? (interaction.hasAnswered ? await interaction.first : null);
      if (response === null) return c.text('no answer', 500);
      return c.json(response);
    },
  );
  return app;
}

export interface InteractionsEndpoint {
  url: string;
  close(): Promise<void>;
}

/** Serve the endpoint on `host:port` (0 picks a free port). */
export async function startInteractionsEndpoint(
  options: InteractionsEndpointOptions & { host: string; port: number },
): Promise<InteractionsEndpoint> {
  const app = interactionsApp(options);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () =>
      resolve(s as Server),
    );
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}${INTERACTIONS_PATH}`;
  options.logger.info({ url }, 'discord interactions endpoint is listening');
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
