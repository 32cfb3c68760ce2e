/**
 * A local HTTP server with Twitch's Helix and OAuth shapes, for testing the collector at its boundary:
 *
 * - `POST /oauth2/token` (client credentials) issues app tokens; `GET /oauth2/validate` describes user tokens;
 * - `/helix/streams` (most viewers first, `first` ≤ 100, `after` cursor, `pagination.cursor`), `/helix/users`
 *   (≤ 100 `id`s), `/helix/channels`, `/helix/channels/followers` (`total`), `/helix/teams/channel` (`data`
 *   null without teams), `/helix/channels/vips` and `/helix/moderation/moderators` (the broadcaster's own
 *   token, with its scope);
 * - `Client-Id` and `Authorization: Bearer` checked on every Helix call; 401 for unknown or expired tokens;
 * - a rate-limit bucket per token with `Ratelimit-Limit`, `Ratelimit-Remaining` and `Ratelimit-Reset` (epoch
 *   seconds) on every response and 429 when it is empty;
 * - scripted faults (the n-th call of a path answers 429 or 5xx), a token that expires after n calls, a
 *   malformed body for one path, and follower totals refused to app tokens for want of a scope;
 * - `POST /oauth2/token` only with the bare `application/x-www-form-urlencoded` type, as Twitch documents.
 *
 * Every request is logged with its time, path, query, token, status and rate-limit headers.
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FixtureChannel {
  userId: string;
  login: string;
  displayName: string;
  streamId: string;
  gameName: string;
  language: string;
  viewers: number;
  description: string;
  createdAt: string;
  viewCount: number;
  followers: number;
  teams: string[];
}

export interface FixtureBroadcaster {
  token: string;
  userId: string;
  login: string;
  displayName: string;
  scopes: string[];
  vips: string[];
  moderators: string[];
  /** Shown by GET /channels when the broadcaster is not live. */
  gameName: string;
  language: string;
  description: string;
  followers: number;
}

export interface HelixFault {
  /** Helix path without the /helix prefix, e.g. `/streams`. */
  path: string;
  /** Which call of that path (1-based) fails. */
  nth: number;
  status: number;
}

export interface HelixServerOptions {
  clientId: string;
  clientSecret: string;
  channels: FixtureChannel[];
  broadcaster?: FixtureBroadcaster;
  rateLimit?: { limit: number; windowMs: number };
  faults?: HelixFault[];
  /** App tokens stop working after this many Helix calls each. */
  expireTokenAfter?: number;
  /** Answer this path with a body missing required fields. */
  malformed?: string;
  /** On /streams, repeat the last stream of the previous page first (rankings move while a client pages). */
  shiftPages?: boolean;
  /**
   * Answer follower totals only to user tokens: app tokens get Twitch's (and its mock's)
   * `401 Missing required scope moderator:read:followers`.
   */
  followersNeedUserToken?: boolean;
}

export interface HelixRequestRecord {
  at: number;
  method: string;
  /** Without the /helix or /oauth2 prefix for Helix calls; `/oauth2/token` etc. for auth. */
  path: string;
  query: string;
  token: string | null;
  status: number;
  remaining: number | null;
  /** Epoch seconds. */
  reset: number | null;
}

interface Bucket {
  remaining: number;
  /** Epoch ms. */
  resetAt: number;
}

const cursorFor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
const offsetOf = (cursor: string | null) =>
  cursor === null ? 0 : (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { o: number }).o;

export class HelixTestServer {
  readonly log: HelixRequestRecord[] = [];
  readonly issuedTokens: string[] = [];
  private readonly uses = new Map<string, number>();
  private readonly calls = new Map<string, number>();
  private readonly buckets = new Map<string, Bucket>();

  private constructor(
    private readonly server: ReturnType<typeof createServer>,
    private readonly options: HelixServerOptions,
  ) {}

  static async start(options: HelixServerOptions): Promise<HelixTestServer> {
    const server = createServer();
    const helix = new HelixTestServer(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      helix.handle(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return helix;
  }

  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get helixUrl(): string {
    return `${this.baseUrl}/helix`;
  }

  get authUrl(): string {
    return `${this.baseUrl}/oauth2`;
  }

  /** Logged calls of one path. */
  requestsTo(path: string): HelixRequestRecord[] {
    return this.log.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(
    res: ServerResponse,
    record: Omit<HelixRequestRecord, 'status' | 'remaining' | 'reset'>,
    status: number,
    body: unknown,
    bucket?: Bucket,
  ): void {
    const reset = bucket === undefined ? null : Math.ceil(bucket.resetAt / 1000);
    if (bucket !== undefined) {
      res.setHeader('Ratelimit-Limit', String(this.options.rateLimit?.limit ?? 800));
      res.setHeader('Ratelimit-Remaining', String(bucket.remaining));
      res.setHeader('Ratelimit-Reset', String(reset));
    }
    res.setHeader('Content-Type', 'application/json');
    res.statusCode = status;
    res.end(JSON.stringify(body));
    this.log.push({ ...record, status, remaining: bucket?.remaining ?? null, reset });
  }

  private bucket(token: string): Bucket {
    const { limit, windowMs } = this.options.rateLimit ?? { limit: 800, windowMs: 60_000 };
    const now = Date.now();
    let bucket = this.buckets.get(token);
    if (bucket === undefined || now >= bucket.resetAt) {
      // Resets fall on whole seconds, as Ratelimit-Reset can only say whole seconds.
      bucket = { remaining: limit, resetAt: Math.ceil((now + windowMs) / 1000) * 1000 };
      this.buckets.set(token, bucket);
    }
    return bucket;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.baseUrl);
    const method = req.method ?? 'GET';
    const at = Date.now();
    if (url.pathname.startsWith('/oauth2/')) {
      await this.auth(req, res, url, { at, method, path: url.pathname, query: url.search, token: null });
      return;
    }
    const path = url.pathname.replace(/^\/helix/, '');
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const record = { at, method, path, query: url.search, token };
    const unauthorized = (message: string) =>
      this.send(res, record, 401, { error: 'Unauthorized', status: 401, message });
    if (req.headers['client-id'] !== this.options.clientId)
      return unauthorized('Client ID is missing or invalid');
    const broadcaster = this.options.broadcaster;
    const isUser = broadcaster !== undefined && token === broadcaster.token;
    if (token === null || (!isUser && !this.issuedTokens.includes(token)))
      return unauthorized('Invalid OAuth token');
    if (!isUser) {
      const used = (this.uses.get(token) ?? 0) + 1;
      this.uses.set(token, used);
      if (this.options.expireTokenAfter !== undefined && used > this.options.expireTokenAfter) {
        return unauthorized('Invalid OAuth token');
      }
    }

    const bucket = this.bucket(token);
    const call = (this.calls.get(path) ?? 0) + 1;
    this.calls.set(path, call);
    const fault = this.options.faults?.find((f) => f.path === path && f.nth === call);
    if (fault !== undefined) {
      if (fault.status === 429) bucket.remaining = 0; // somebody else drained the bucket
      return this.send(
        res,
        record,
        fault.status,
        { error: 'Fault', status: fault.status, message: 'scripted' },
        bucket,
      );
    }
    if (bucket.remaining <= 0) {
      return this.send(res, record, 429, { error: 'Too Many Requests', status: 429, message: '' }, bucket);
    }
    bucket.remaining -= 1;
    const bad = (message: string) =>
      this.send(res, record, 400, { error: 'Bad Request', status: 400, message }, bucket);
    const ok = (body: unknown) =>
      this.send(res, record, 200, path === this.options.malformed ? { data: [{}] } : body, bucket);

    const channels = [...this.options.channels].sort((a, b) => b.viewers - a.viewers);
    const byId = new Map(channels.map((c) => [c.userId, c]));
    const first = Number(url.searchParams.get('first') ?? '20');
    if (!Number.isInteger(first) || first < 1 || first > 100) return bad('first must be 1..100');
    switch (path) {
      case '/streams': {
        let offset = offsetOf(url.searchParams.get('after'));
        if (this.options.shiftPages === true && offset > 0) offset -= 1;
        const page = channels.slice(offset, offset + first);
        const next = offset + page.length;
        return ok({
          data: page.map((c) => ({
            id: c.streamId,
            user_id: c.userId,
            user_login: c.login,
            user_name: c.displayName,
            game_id: '21779',
            game_name: c.gameName,
            type: 'live',
            title: `${c.displayName} live`,
            tags: ['English'],
            viewer_count: c.viewers,
            started_at: '2026-01-10T10:00:00Z',
            language: c.language,
            thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${c.login}-{width}x{height}.jpg`,
            tag_ids: [],
            is_mature: false,
          })),
          pagination: next < channels.length ? { cursor: cursorFor(next) } : {},
        });
      }
      case '/users': {
        const ids = url.searchParams.getAll('id');
        if (ids.length > 100) return bad('at most 100 ids');
        const users = ids.flatMap((id) => {
          const c = byId.get(id);
          if (c !== undefined)
            return [
              {
                id,
                login: c.login,
                display_name: c.displayName,
                description: c.description,
                view_count: c.viewCount,
                created_at: c.createdAt,
              },
            ];
          if (broadcaster !== undefined && id === broadcaster.userId) {
            return [
              {
                id,
                login: broadcaster.login,
                display_name: broadcaster.displayName,
                description: broadcaster.description,
                view_count: 0,
                created_at: '2015-03-01T08:00:00.5Z',
              },
            ];
          }
          return [];
        });
        return ok({
          data: users.map((u) => ({
            ...u,
            type: '',
            broadcaster_type: 'partner',
            profile_image_url: '',
            offline_image_url: '',
          })),
        });
      }
      case '/channels': {
        const id = url.searchParams.get('broadcaster_id');
        if (broadcaster === undefined || id !== broadcaster.userId) return ok({ data: [] });
        return ok({
          data: [
            {
              broadcaster_id: id,
              broadcaster_login: broadcaster.login,
              broadcaster_name: broadcaster.displayName,
              broadcaster_language: broadcaster.language,
              game_id: '1',
              game_name: broadcaster.gameName,
              title: 'offline',
              delay: 0,
              tags: [],
            },
          ],
        });
      }
      case '/channels/followers': {
        if (this.options.followersNeedUserToken === true && !isUser)
          return unauthorized('Missing required scope moderator:read:followers');
        const id = url.searchParams.get('broadcaster_id') ?? '';
        const total = byId.get(id)?.followers ?? (id === broadcaster?.userId ? broadcaster.followers : 0);
        // Without the moderator scope for that channel, Helix gives the total and an empty list.
        return ok({ total, data: [], pagination: {} });
      }
      case '/teams/channel': {
        const teams = byId.get(url.searchParams.get('broadcaster_id') ?? '')?.teams ?? [];
        return ok({
          data:
            teams.length === 0
              ? null
              : teams.map((t) => ({
                  broadcaster_id: '1',
                  broadcaster_login: 'x',
                  broadcaster_name: 'X',
                  team_name: t,
                  team_display_name: t.toUpperCase(),
                  id: '7',
                })),
        });
      }
      case '/channels/vips':
      case '/moderation/moderators': {
        const scope = path === '/channels/vips' ? 'channel:read:vips' : 'moderation:read';
        if (!isUser || !broadcaster.scopes.includes(scope)) return unauthorized(`Missing scope: ${scope}`);
        if (url.searchParams.get('broadcaster_id') !== broadcaster.userId) {
          return this.send(
            res,
            record,
            403,
            { error: 'Forbidden', status: 403, message: 'not your channel' },
            bucket,
          );
        }
        const logins = path === '/channels/vips' ? broadcaster.vips : broadcaster.moderators;
        const offset = offsetOf(url.searchParams.get('after'));
        const page = logins.slice(offset, offset + first);
        return ok({
          data: page.map((login, i) => ({
            user_id: String(900_000 + offset + i),
            user_login: login,
            user_name: login,
          })),
          pagination: offset + page.length < logins.length ? { cursor: cursorFor(offset + page.length) } : {},
        });
      }
      default:
        return this.send(res, record, 404, { error: 'Not Found', status: 404, message: '' }, bucket);
    }
  }

  private async auth(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    record: Omit<HelixRequestRecord, 'status' | 'remaining' | 'reset'>,
  ): Promise<void> {
    if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      // The media type Twitch documents, exactly: its mock refuses `…;charset=UTF-8` with 400.
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') {
        return this.send(res, record, 400, { status: 400, message: 'Invalid Content-Type' });
      }
      let body = '';
      for await (const chunk of req) body += String(chunk);
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== this.options.clientId) {
        return this.send(res, record, 400, { status: 400, message: 'invalid client' });
      }
      if (
        form.get('client_secret') !== this.options.clientSecret ||
        form.get('grant_type') !== 'client_credentials'
      ) {
        return this.send(res, record, 403, { status: 403, message: 'invalid client secret' });
      }
      const token = `apptoken${this.issuedTokens.length + 1}`;
      this.issuedTokens.push(token);
      return this.send(res, { ...record, token }, 200, {
        access_token: token,
        expires_in: 5_011_271,
        token_type: 'bearer',
      });
    }
    if (url.pathname === '/oauth2/validate') {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('OAuth ') ? auth.slice(6) : null;
      const b = this.options.broadcaster;
      if (b === undefined || token !== b.token) {
        return this.send(res, { ...record, token }, 401, { status: 401, message: 'invalid access token' });
      }
      return this.send(res, { ...record, token }, 200, {
        client_id: this.options.clientId,
        login: b.login,
        scopes: b.scopes,
        user_id: b.userId,
        expires_in: 13_000,
      });
    }
    return this.send(res, record, 404, { status: 404, message: 'not found' });
  }
}

/** `n` live channels with varied, CSV-hostile descriptions and teams; deterministic. */
export function fixtureChannels(n: number): FixtureChannel[] {
  const descriptions = [
    'Plain description',
    'Commas, "quotes", and more',
    'Two lines\nsecond line',
    'LCK 트위치 공식 중계 채널입니다. ',
    '=1+1 looks like a formula',
    '',
  ];
  return Array.from({ length: n }, (_, i) => ({
    userId: String(500_000 + i),
    login: `streamer_${i}`,
    displayName: i % 7 === 0 ? `스트리머${i}` : `Streamer_${i}`,
    streamId: String(40_000_000_000 + i),
    gameName: i % 3 === 0 ? 'Just Chatting' : 'League of Legends',
    language: i % 4 === 0 ? 'ko' : 'en',
    viewers: 100_000 - i * 17,
    description: descriptions[i % descriptions.length] as string,
    createdAt: i % 2 === 0 ? '2018-01-15T01:40:09Z' : '2020-08-19T04:08:41.492237Z',
    viewCount: i * 1_000,
    followers: 1_000_000 - i * 3_001,
    teams: i % 5 === 0 ? ['teamalpha'] : i % 11 === 0 ? ['teamalpha', 'teambeta'] : [],
  }));
}
