/**
 * A local HTTP server that speaks the part of Discord's REST API the bot uses, on loopback:
 *
 *   POST   /api/v10/interactions/{id}/{token}/callback        interaction responses (JSON or multipart)
 *   POST   /api/v10/webhooks/{app}/{token}                      follow-ups
 *   GET|PATCH|DELETE /api/v10/webhooks/{app}/{token}/messages/{id}   the original response
 *   GET|PUT /api/v10/applications/{app}/commands                global commands
 *   GET|PUT /api/v10/applications/{app}/guilds/{guild}/commands  a server's commands
 *   GET    /api/v10/guilds/{guild}/roles                         roles (admin role given by name)
 *   POST   /api/v10/channels/{channel}/messages                  a bot's message (live alerts); a `nonce` with
 *                                                                `enforce_nonce` already used returns that message
 *   PATCH  /api/v10/channels/{channel}/messages/{id}             edits it (10008 Unknown Message otherwise)
 *
 * For an application on the Interactions Endpoint URL it also plays Discord's sending side: `postInteraction`
 * signs a payload with the application's Ed25519 key (`publicKeyHex` is what the Developer Portal shows),
 * POSTs it to the endpoint, and records the HTTP response as if it were a callback, checked the same way.
 *
 * It answers like Discord: 204 for callbacks, message objects for webhook messages, 400 Invalid Form Body
 * (code 50035) for messages over Discord's limits, 40060 for a second response to one interaction, 10062
 * for an expired interaction token. Tests assert on `requests`: what went over the wire.
 */
import type { KeyObject } from 'node:crypto';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { choiceProblems, messageProblems } from './discord-limits.js';
import type { UploadedFile } from './discord-limits.js';

export interface RecordedFile extends UploadedFile {
  field: string;
  contentType: string;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  /** Path below `/api/v10`, e.g. `/interactions/1/tok/callback`. */
  path: string;
  query: URLSearchParams;
  /** The JSON body, or `payload_json` of a multipart body. */
  body: unknown;
  /** Whether the body came as multipart/form-data. */
  multipart: boolean;
  files: RecordedFile[];
  /** Status this server answered with. */
  status: number;
  /** Problems found against Discord's limits (the reason for a 400). */
  problems: string[];
  authorization: string | undefined;
}

type Json = Record<string, unknown>;

export interface PostInteractionOptions {
  /** Unix seconds put in X-Signature-Timestamp (default: now). */
  timestamp?: number;
  /** Sign with another key (a forged request). */
  key?: KeyObject;
  /** Change the body after signing it. */
  tamper?: (body: string) => string;
  /** Send without the signature headers. */
  unsigned?: boolean;
  /** Send this body instead of the payload's JSON (signed as given). */
  rawBody?: string;
}

export interface PostedInteraction {
  /** HTTP status of the endpoint's answer. */
  status: number;
  /** Its body: parsed JSON, or the text. */
  body: unknown;
  /** The answer recorded as an interaction callback (only for a 200 with an interaction response). */
  response: RecordedRequest | undefined;
}

let snowflake = 1_300_000_000_000_000_000n;
export const nextSnowflake = (): string => String((snowflake += 1n));

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  /** Commands Discord "has", by scope: `global` or a guild id. */
  readonly commands = new Map<string, Json[]>();
  readonly roles = new Map<string, Json[]>();
  /** Interaction tokens Discord no longer accepts (15 minutes passed, or never existed). */
  readonly expiredTokens = new Set<string>();
  private readonly acknowledged = new Set<string>();
  /** Channel messages the bot created: id → channel; and by enforced nonce → message id. */
  readonly channelMessages = new Map<string, { channel: string; nonce: string | undefined }>();
  private readonly nonces = new Map<string, string>();
  /** Channels the bot may not post in (answers 403 Missing Access, code 50001). */
  readonly forbiddenChannels = new Set<string>();
  /** The application's key pair: Discord signs with the private half. */
  private readonly signing = generateKeyPairSync('ed25519');
  private waiters: { predicate: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] =
    [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeDiscord> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeDiscord(server, `http://127.0.0.1:${port}/api`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      void fake.handle(req, res);
    });
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The application's public key as the Developer Portal shows it (DISCORD_PUBLIC_KEY). */
  get publicKeyHex(): string {
    const jwk = this.signing.publicKey.export({ format: 'jwk' });
    return Buffer.from(jwk.x ?? '', 'base64url').toString('hex');
  }

  /** Deliver `payload` to an Interactions Endpoint URL as Discord does: signed, over HTTP. */
  async postInteraction(
    endpoint: string,
    payload: unknown,
    options: PostInteractionOptions = {},
  ): Promise<PostedInteraction> {
    const signed = options.rawBody ?? JSON.stringify(payload);
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = sign(
      null,
      Buffer.from(timestamp + signed),
      options.key ?? this.signing.privateKey,
    ).toString('hex');
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (options.unsigned !== true) {
      headers['x-signature-ed25519'] = signature;
      headers['x-signature-timestamp'] = timestamp;
    }
    const res = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: options.tamper === undefined ? signed : options.tamper(signed),
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').startsWith('application/json')) body = JSON.parse(text);
    let response: RecordedRequest | undefined;
    const sent = isRecord(payload) ? payload : {};
    if (res.status === 200 && isRecord(body) && body.type !== 1 && typeof sent.id === 'string') {
      response = {
        method: 'POST',
        path: `/interactions/${sent.id}/${String(sent.token)}/callback`,
        query: new URLSearchParams(),
        body,
        multipart: false,
        files: [],
        status: 0,
        problems: [],
        authorization: undefined,
      };
      const [status] = this.answer(response);
      response.status = status;
      this.record(response);
    }
    return { status: res.status, body, response };
  }

  reset(): void {
    this.requests.length = 0;
  }

  /** Requests whose path matches, in arrival order. */
  find(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** Interaction callbacks (responses) for one interaction id. */
  callbacks(interactionId?: string): RecordedRequest[] {
    return this.find('POST', new RegExp(`^/interactions/${interactionId ?? '\\d+'}/[^/]+/callback$`));
  }

  /** Resolves with the first request (already received or coming) matching `predicate`. */
  waitFor(predicate: (r: RecordedRequest) => boolean, timeoutMs = 5_000): Promise<RecordedRequest> {
    const seen = this.requests.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no matching request reached the fake Discord')),
        timeoutMs,
      );
      this.waiters.push({
        predicate,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    const ready = this.waiters.filter((w) => w.predicate(request));
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(request);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v10/, ''));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const contentType = req.headers['content-type'] ?? '';
    let body: unknown;
    const files: RecordedFile[] = [];
    const multipart = contentType.startsWith('multipart/form-data');
    if (multipart) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json' && typeof value === 'string') body = JSON.parse(value);
        else if (typeof value !== 'string') {
          const bytes = Buffer.from(await value.arrayBuffer());
          files.push({ field, name: value.name, contentType: value.type, size: bytes.length, bytes });
        }
      }
    } else if (raw.length > 0) {
      body = JSON.parse(raw.toString('utf8'));
    }
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      body,
      multipart,
      files,
      status: 0,
      problems: [],
      authorization: req.headers.authorization,
    };
    const [status, answer] = this.answer(request);
    request.status = status;
    this.record(request);
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  }

  private answer(r: RecordedRequest): [number, unknown] {
    let m: RegExpExecArray | null;
    if ((m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(r.path)) && r.method === 'POST') {
      const [, id, token] = m as unknown as [string, string, string];
      if (this.expiredTokens.has(token)) return [404, { message: 'Unknown interaction', code: 10062 }];
      if (this.acknowledged.has(id))
        return [400, { message: 'Interaction has already been acknowledged.', code: 40060 }];
      const body = isRecord(r.body) ? r.body : {};
      if (body.type === 8) r.problems = choiceProblems(isRecord(body.data) ? body.data.choices : undefined);
      else if (body.type === 4 || body.type === 7) r.problems = messageProblems(body.data, r.files);
      else if (body.type !== 5 && body.type !== 6)
        r.problems = [`type: unknown response type ${String(body.type)}`];
      if (r.problems.length > 0) return [400, invalidFormBody(r.problems)];
      this.acknowledged.add(id);
      return [204, null];
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(r.path))) {
      const [, app, token, messageId] = m as unknown as [string, string, string, string | undefined];
      if (this.expiredTokens.has(token)) return [404, { message: 'Unknown Webhook', code: 10015 }];
      if (r.method === 'DELETE') return [204, null];
      if (r.method === 'GET') return [200, message(app, messageId ?? '@original', {}, [])];
      r.problems = messageProblems(r.body, r.method === 'PATCH' && r.files.length === 0 ? null : r.files);
      if (r.problems.length > 0) return [400, invalidFormBody(r.problems)];
      return [200, message(app, messageId ?? nextSnowflake(), isRecord(r.body) ? r.body : {}, r.files)];
    }
    if ((m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(r.path))) {
      const [, app, guild] = m as unknown as [string, string, string | undefined];
      const scope = guild ?? 'global';
      if (r.authorization === undefined) return [401, { message: '401: Unauthorized', code: 0 }];
      if (r.method === 'GET') return [200, this.commands.get(scope) ?? []];
      if (r.method === 'PUT' && Array.isArray(r.body)) {
        const stored = r.body.map((c: unknown) => asDiscordReturnsIt(isRecord(c) ? c : {}, app, guild));
        this.commands.set(scope, stored);
        return [200, stored];
      }
    }
    if ((m = /^\/channels\/(\d+)\/messages(?:\/(\d+))?$/.exec(r.path))) {
      const [, channel, messageId] = m as unknown as [string, string, string | undefined];
      if (r.authorization === undefined) return [401, { message: '401: Unauthorized', code: 0 }];
      if (this.forbiddenChannels.has(channel)) return [403, { message: 'Missing Access', code: 50001 }];
      const body = isRecord(r.body) ? r.body : {};
      if (r.method === 'POST' && messageId === undefined) {
        r.problems = messageProblems(body, r.files);
        if (r.problems.length > 0) return [400, invalidFormBody(r.problems)];
        const nonce = typeof body.nonce === 'string' ? body.nonce : undefined;
        if (nonce !== undefined && nonce.length > 25) return [400, invalidFormBody(['nonce: at most 25'])];
        const earlier =
          nonce !== undefined && body.enforce_nonce === true ? this.nonces.get(nonce) : undefined;
        if (earlier !== undefined) return [200, channelMessage(channel, earlier, body, r.files)];
        const id = nextSnowflake();
        this.channelMessages.set(id, { channel, nonce });
        if (nonce !== undefined && body.enforce_nonce === true) this.nonces.set(nonce, id);
        return [200, channelMessage(channel, id, body, r.files)];
      }
      if (r.method === 'PATCH' && messageId !== undefined) {
        if (this.channelMessages.get(messageId)?.channel !== channel)
          return [404, { message: 'Unknown Message', code: 10008 }];
        r.problems = messageProblems(body, r.files.length === 0 ? null : r.files);
        if (r.problems.length > 0) return [400, invalidFormBody(r.problems)];
        return [200, channelMessage(channel, messageId, body, r.files)];
      }
    }
    if ((m = /^\/guilds\/(\d+)\/roles$/.exec(r.path)) && r.method === 'GET') {
      return [200, this.roles.get((m as unknown as [string, string])[1]) ?? []];
    }
    return [404, { message: '404: Not Found', code: 0 }];
  }
}

function invalidFormBody(problems: readonly string[]): unknown {
  return {
    message: 'Invalid Form Body',
    code: 50035,
    errors: { _errors: problems.map((message) => ({ code: 'BASE_TYPE_INVALID', message })) },
  };
}

function message(app: string, id: string, body: Json, files: readonly RecordedFile[]): Json {
  return {
    id: id === '@original' ? nextSnowflake() : id,
    type: 20,
    channel_id: '1200000000000000002',
    content: typeof body.content === 'string' ? body.content : '',
    embeds: Array.isArray(body.embeds) ? body.embeds : [],
    components: Array.isArray(body.components) ? body.components : [],
    attachments: files.map((f, i) => ({
      id: nextSnowflake(),
      filename: f.name,
      size: f.size,
      url: `https://cdn.example/attachments/${i}/${f.name}`,
      proxy_url: `https://media.example/attachments/${i}/${f.name}`,
    })),
    author: {
      id: app,
      username: 'twitchgraph',
      discriminator: '0000',
      avatar: null,
      bot: true,
      global_name: null,
    },
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    pinned: false,
    flags: typeof body.flags === 'number' ? body.flags : 0,
    webhook_id: app,
    application_id: app,
  };
}

/** A bot's channel message as Discord returns it (author the bot, no webhook). */
function channelMessage(channel: string, id: string, body: Json, files: readonly RecordedFile[]): Json {
  const {
    webhook_id: _webhook,
    application_id: _app,
    ...rest
  } = message('1200000000000000001', id, body, files);
  return { ...rest, type: 0, channel_id: channel };
}

/** Discord's echo of a registered command: ids and versions added, `false` flags and empty lists left out. */
function asDiscordReturnsIt(command: Json, app: string, guild: string | undefined): Json {
  const strip = (option: unknown): unknown => {
    if (!isRecord(option)) return option;
    const out: Json = {};
    for (const [k, v] of Object.entries(option)) {
      if (v === undefined || v === false) continue;
      out[k] = k === 'options' && Array.isArray(v) ? v.map(strip) : v;
    }
    return out;
  };
  return {
    id: nextSnowflake(),
    application_id: app,
    version: nextSnowflake(),
    type: 1,
    default_member_permissions: command.default_member_permissions ?? null,
    nsfw: command.nsfw ?? false,
    contexts: null,
    integration_types: [0],
    ...(guild === undefined ? {} : { guild_id: guild }),
    name: command.name,
    description: command.description,
    ...(Array.isArray(command.options) ? { options: command.options.map(strip) } : {}),
  };
}
