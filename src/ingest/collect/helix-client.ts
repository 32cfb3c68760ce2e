/**
 * A small Helix client on Node's `fetch`: app access token by client credentials, rate limits, retries, and a
 * zod check of every response.
 *
 * - Token (https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow):
 *   fetched on first use; a 401 means it expired or was revoked, so it is fetched again once and the request
 *   repeated. A user token (the broadcaster's) cannot be renewed here: its 401 is an error.
 * - Rate limits (https://dev.twitch.tv/docs/api/guide/#twitch-rate-limits): every response carries
 *   `Ratelimit-Remaining` and `Ratelimit-Reset` (epoch seconds) for the token's bucket. Requests are counted
 *   against the last known remaining; at 0 they wait until the reset. A 429 waits until its reset, then the
 *   request is repeated.
 * - 5xx and network failures are retried with exponential backoff (with jitter); after `maxAttempts` the
 *   request fails with a `HelixError` that names the endpoint.
 * - A response that does not have the expected shape fails with `HELIX_UNEXPECTED_RESPONSE`, naming the
 *   endpoint and the first fields that differ.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';
import { appTokenResponse, errorResponse } from './helix-responses.schema.js';

export const HELIX_ERROR = {
  http: 'HELIX_HTTP_ERROR',
  unauthorized: 'HELIX_UNAUTHORIZED',
  /** The token is valid but lacks a scope (or is the wrong kind of token) for this endpoint. */
  scope: 'HELIX_MISSING_SCOPE',
  shape: 'HELIX_UNEXPECTED_RESPONSE',
  network: 'HELIX_NETWORK',
  token: 'HELIX_TOKEN',
} as const;
export type HelixErrorCode = (typeof HELIX_ERROR)[keyof typeof HELIX_ERROR];

export class HelixError extends TwitchgraphError<HelixErrorCode> {
  constructor(
    message: string,
    readonly code: HelixErrorCode,
    readonly endpoint: string,
    readonly status: number | null,
    readonly canRetry: boolean,
    options?: { cause?: unknown; scope?: string },
  ) {
    super(message, options);
    this.name = 'HelixError';
    this.scope = options?.scope;
  }

  /** For `HELIX_MISSING_SCOPE`: the scope Twitch named, when it named one. */
  readonly scope: string | undefined;
}

/**
 * Twitch answers 401 both for a token it no longer accepts ("Invalid OAuth token") and for a valid token
 * without the endpoint's scope ("Missing required scope moderator:read:followers"); only the body tells
 * them apart. Renewing the app token cannot help with the second.
 */
export function missingScope(status: number, message: string): { scope: string | undefined } | null {
  if (status !== 401 && status !== 403) return null;
  const match = /missing (?:required )?scope:?\s*([\w:]+)?/i.exec(message);
  if (match === null) return null;
  return { scope: match[1] };
}

/** The request never got an answer (DNS, refused, timed out): worth retrying. */
function unreachable(endpoint: string, cause: unknown): HelixError {
  return new HelixError(`${endpoint}: Twitch is not reachable`, HELIX_ERROR.network, endpoint, null, true, {
    cause,
  });
}

/** What the client is doing besides plain requests, for progress output. */
export type HelixNotice =
  | { kind: 'token'; reason: 'first' | 'expired' }
  | { kind: 'rate-limit'; endpoint: string; waitMs: number }
  | { kind: 'retry'; endpoint: string; status: number | null; attempt: number; waitMs: number };

export interface HelixClientOptions {
  clientId: string;
  clientSecret: string;
  /** e.g. https://api.twitch.tv/helix */
  helixUrl: string;
  /** e.g. https://id.twitch.tv/oauth2 */
  authUrl: string;
  maxAttempts?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Per request. */
  timeoutMs?: number;
  onNotice?: (notice: HelixNotice) => void;
}

export type QueryValue = string | number | readonly string[] | undefined;

/** Who a request is made as: the app (client credentials) or a user token given to us. */
export type Caller = { kind: 'app' } | { kind: 'user'; token: string };

const APP: Caller = { kind: 'app' };

interface Bucket {
  /** Requests left until `resetAt`, as far as we know: Twitch's last figure minus what we sent since. */
  remaining: number | null;
  /** Epoch ms when the bucket is full again. */
  resetAt: number;
  /** Requests sent on this bucket and not answered yet. */
  inFlight: number;
}

/** Extra wait after a reset time: Twitch's clock and ours are not the same clock. */
const RESET_SLACK_MS = 250;

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(body)'}: ${issue.message}`)
    .join('; ');
}

export class HelixClient {
  /** HTTP requests sent so far (tokens, validation and Helix, retries included), for the run's summary. */
  requests = 0;
  private appToken: Promise<string> | undefined;
  private readonly buckets = new Map<string, Bucket>();
  private readonly options: Required<Omit<HelixClientOptions, 'onNotice'>> &
    Pick<HelixClientOptions, 'onNotice'>;

  constructor(options: HelixClientOptions) {
    this.options = {
      maxAttempts: 6,
      retryInitialMs: 500,
      retryMaxMs: 30_000,
      timeoutMs: 30_000,
      ...options,
      helixUrl: options.helixUrl.replace(/\/+$/, ''),
      authUrl: options.authUrl.replace(/\/+$/, ''),
    };
  }

  /** GET a Helix endpoint (`/streams`) and validate the body with `schema`. */
  async get<S extends z.ZodType>(
    path: string,
    query: Readonly<Record<string, QueryValue>>,
    schema: S,
    caller: Caller = APP,
  ): Promise<z.output<S>> {
    const url = new URL(`${this.options.helixUrl}${path}`);
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? (value as readonly string[]) : [String(value)]) {
        url.searchParams.append(key, v);
      }
    }
    const endpoint = `GET ${path}`;
    const body = await this.send(endpoint, url, caller);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new HelixError(
        `${endpoint}: unexpected response from Twitch (${describeIssues(parsed.error)})`,
        HELIX_ERROR.shape,
        endpoint,
        200,
        false,
      );
    }
    return parsed.data;
  }

  /** GET {auth}/validate for a user token: whose it is and what it may do. */
  async validateUserToken<S extends z.ZodType>(token: string, schema: S): Promise<z.output<S>> {
    const endpoint = 'GET /validate';
    let response: Response;
    try {
      this.requests += 1;
      response = await fetch(`${this.options.authUrl}/validate`, {
        headers: { Authorization: `OAuth ${token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw unreachable(endpoint, error);
    }
    if (response.status === 401) {
      throw new HelixError(
        'TWITCH_BROADCASTER_TOKEN was refused by Twitch (expired or revoked)',
        HELIX_ERROR.unauthorized,
        endpoint,
        401,
        false,
      );
    }
    const parsed = schema.safeParse(await this.json(endpoint, response));
    if (!parsed.success) {
      throw new HelixError(
        `${endpoint}: unexpected response (${describeIssues(parsed.error)})`,
        HELIX_ERROR.shape,
        endpoint,
        response.status,
        false,
      );
    }
    return parsed.data;
  }

  // ------------------------------------------------------------------ internals

  private notice(notice: HelixNotice): void {
    this.options.onNotice?.(notice);
  }

  /**
   * The token for `caller`. For the app, `failed` is a token Twitch just refused: a new one is fetched unless
   * another request has already replaced it (concurrent 401s share one renewal).
   */
  private async token(caller: Caller, failed?: string): Promise<string> {
    if (caller.kind === 'user') return caller.token;
    if (this.appToken !== undefined && failed !== undefined) {
      const seen = this.appToken;
      const current = await seen.catch(() => undefined);
      if (current === failed && this.appToken === seen) this.appToken = undefined;
    }
    if (this.appToken === undefined) {
      this.notice({ kind: 'token', reason: failed === undefined ? 'first' : 'expired' });
      const fetching = this.fetchAppToken();
      // A failed fetch is not kept: the next request tries again.
      fetching.catch(() => {
        if (this.appToken === fetching) this.appToken = undefined;
      });
      this.appToken = fetching;
    }
    return this.appToken;
  }

  private async fetchAppToken(): Promise<string> {
    const endpoint = 'POST /token';
    const form = new URLSearchParams({
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      grant_type: 'client_credentials',
    });
    for (let attempt = 1; ; attempt += 1) {
      let response: Response | undefined;
      try {
        // A URLSearchParams body would be sent as `application/x-www-form-urlencoded;charset=UTF-8`; Twitch
        // documents the bare type, and its mock server accepts only that.
        this.requests += 1;
        response = await fetch(`${this.options.authUrl}/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        if (attempt >= this.options.maxAttempts) {
          throw unreachable(endpoint, error);
        }
      }
      if (response !== undefined) {
        if (response.ok) {
          const parsed = appTokenResponse.safeParse(await this.json(endpoint, response));
          if (!parsed.success) {
            throw new HelixError(
              `${endpoint}: unexpected response (${describeIssues(parsed.error)})`,
              HELIX_ERROR.shape,
              endpoint,
              response.status,
              false,
            );
          }
          return parsed.data.access_token;
        }
        if (response.status < 500 || attempt >= this.options.maxAttempts) {
          const message = await this.errorMessage(response);
          throw new HelixError(
            `${endpoint}: Twitch refused the app credentials (${response.status}${message}); check TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET`,
            HELIX_ERROR.token,
            endpoint,
            response.status,
            false,
          );
        }
      }
      const waitMs = this.backoff(attempt);
      this.notice({ kind: 'retry', endpoint, status: response?.status ?? null, attempt, waitMs });
      await sleep(waitMs);
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.options.retryMaxMs, this.options.retryInitialMs * 2 ** (attempt - 1));
    return Math.round(base * (0.5 + Math.random() / 2));
  }

  private bucketKey(caller: Caller): string {
    return caller.kind === 'app' ? 'app' : `user:${caller.token.slice(-6)}`;
  }

  private bucket(key: string): Bucket {
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { remaining: null, resetAt: 0, inFlight: 0 };
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Wait while the bucket is known to be empty; then count this request against it. */
  private async takeFromBucket(bucket: Bucket, endpoint: string): Promise<void> {
    for (;;) {
      const now = Date.now();
      if (bucket.remaining !== null && now >= bucket.resetAt) bucket.remaining = null; // refilled
      if (bucket.remaining === null || bucket.remaining > 0) {
        if (bucket.remaining !== null) bucket.remaining -= 1;
        bucket.inFlight += 1;
        return;
      }
      const waitMs = bucket.resetAt - now;
      this.notice({ kind: 'rate-limit', endpoint, waitMs });
      await sleep(waitMs);
    }
  }

  /**
   * Take Twitch's figures from a response. `Ratelimit-Remaining` counts the requests Twitch had seen when it
   * answered; the others still in flight will use the bucket too, so they are taken off.
   */
  private recordBucket(bucket: Bucket, response: Response): void {
    bucket.inFlight = Math.max(0, bucket.inFlight - 1);
    const remaining = Number(response.headers.get('ratelimit-remaining') ?? Number.NaN);
    const reset = Number(response.headers.get('ratelimit-reset') ?? Number.NaN);
    if (!Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    bucket.remaining = Math.max(0, remaining - bucket.inFlight);
    bucket.resetAt = reset * 1000 + RESET_SLACK_MS;
  }

  private async json(endpoint: string, response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch (error) {
      throw new HelixError(
        `${endpoint}: the response is not JSON`,
        HELIX_ERROR.shape,
        endpoint,
        response.status,
        false,
        {
          cause: error,
        },
      );
    }
  }

  private async errorMessage(response: Response): Promise<string> {
    const text = await this.errorText(response);
    return text === '' ? '' : `: ${text}`;
  }

  /** Helix's `message` from an error body, or ''. */
  private async errorText(response: Response): Promise<string> {
    try {
      const parsed = errorResponse.safeParse(await response.json());
      return parsed.success && parsed.data.message !== undefined ? parsed.data.message : '';
    } catch {
      return '';
    }
  }

  private async send(endpoint: string, url: URL, caller: Caller): Promise<unknown> {
    const bucket = this.bucket(this.bucketKey(caller));
    let renewed = false;
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.token(caller);
      await this.takeFromBucket(bucket, endpoint);
      let response: Response;
      try {
        this.requests += 1;
        response = await fetch(url, {
          headers: { 'Client-Id': this.options.clientId, Authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
      } catch (error) {
        bucket.inFlight = Math.max(0, bucket.inFlight - 1);
        if (attempt >= this.options.maxAttempts) {
          throw unreachable(endpoint, error);
        }
        const waitMs = this.backoff(attempt);
        this.notice({ kind: 'retry', endpoint, status: null, attempt, waitMs });
        await sleep(waitMs);
        continue;
      }
      this.recordBucket(bucket, response);
      if (response.ok) return this.json(endpoint, response);

      let refusal = '';
      if (response.status === 401 || response.status === 403) {
        const text = await this.errorText(response);
        const message = text === '' ? '' : `: ${text}`;
        refusal = message;
        const refused = missingScope(response.status, text);
        if (refused !== null) {
          const who = caller.kind === 'app' ? 'the app access token' : 'TWITCH_BROADCASTER_TOKEN';
          throw new HelixError(
            `${endpoint}: Twitch refused ${who} (${response.status}${message})`,
            HELIX_ERROR.scope,
            endpoint,
            response.status,
            false,
            refused.scope === undefined ? {} : { scope: refused.scope },
          );
        }
      }
      if (response.status === 401) {
        const message = refusal;
        if (caller.kind === 'app' && !renewed) {
          // Expired or revoked app token: one new token, then the same request again.
          renewed = true;
          await this.token(caller, token);
          attempt -= 1; // a stale token is not a failed attempt
          continue;
        }
        throw new HelixError(
          caller.kind === 'user'
            ? `${endpoint}: TWITCH_BROADCASTER_TOKEN was refused (401${message}): expired, revoked, or missing a scope`
            : `${endpoint}: Twitch refused a fresh app token (401${message})`,
          HELIX_ERROR.unauthorized,
          endpoint,
          401,
          false,
        );
      }
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable || attempt >= this.options.maxAttempts) {
        const message = response.status === 403 ? refusal : await this.errorMessage(response);
        throw new HelixError(
          `${endpoint}: Twitch answered ${response.status}${message}${retryable ? ` after ${attempt} attempts` : ''}`,
          HELIX_ERROR.http,
          endpoint,
          response.status,
          retryable,
        );
      }
      await response.body?.cancel();
      if (response.status === 429 && bucket.remaining !== null) {
        // Over the limit: nothing helps before the bucket refills; the next turn waits for that.
        bucket.remaining = 0;
        continue;
      }
      const waitMs = this.backoff(attempt);
      this.notice({ kind: 'retry', endpoint, status: response.status, attempt, waitMs });
      await sleep(waitMs);
    }
  }
}
