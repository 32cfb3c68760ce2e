/**
 * The Helix collector: today's top live streams as the seed's CSV files, so `twitchgraph import` can load them.
 *
 * - `streamers.csv`: `GET /streams` (most viewers first, 100 per page, `after` cursor) for the top N, their
 *   users (`GET /users`, 100 ids per call: description, view count, creation time) and follower totals
 *   (`GET /channels/followers?broadcaster_id=` → `total`).
 * - `teams.csv`: `GET /teams/channel?broadcaster_id=` for each of them.
 * - `vips.csv`, `moderators.csv`: only for the channel whose broadcaster token is given (TWITCH_BROADCASTER_TOKEN,
 *   scopes `channel:read:vips` and `moderation:read`); Helix gives these lists to nobody else. For other
 *   channels VIPs and moderators come from live chat badges (`twitchgraph listen`). Chatters are not
 *   collected: the public chatter list was shut down in 2023 and `GET /chat/chatters` needs the broadcaster's
 *   or a moderator's token; message authors seen by the listener are the public signal.
 */
import type { z } from 'zod';
import type { Caller, HelixClient } from './helix-client.js';
import { HELIX_ERROR, HelixError } from './helix-client.js';
import type { HelixStream, HelixUser } from './helix-responses.schema.js';
import {
  channelsResponse,
  channelTeamsResponse,
  followersResponse,
  roleHoldersResponse,
  streamsResponse,
  usersResponse,
  validateTokenResponse,
} from './helix-responses.schema.js';
import type { SeedCsvRow } from './seed-csv-writer.js';
import { replaceSeedDirectory } from './seed-csv-writer.js';

export const COLLECT_STEPS = ['streams', 'users', 'followers', 'teams', 'vips', 'moderators'] as const;
export type CollectStep = (typeof COLLECT_STEPS)[number];

export interface CollectProgress {
  step: CollectStep;
  done: number;
  total: number;
}

export interface CollectOptions {
  /** How many of the top live streams. */
  top: number;
  /** A broadcaster's user access token: adds that channel with its VIPs and moderators. */
  broadcasterToken?: string;
  /** The app's client id; a user token only works with the client it was issued to. */
  clientId: string;
  /** Requests in flight at once for the per-channel steps. */
  concurrency?: number;
  onProgress?: (progress: CollectProgress) => void;
}

export interface CollectedSeed {
  streamers: SeedCsvRow<'streamers'>[];
  /** Null when the team step could not be completed (see `missing`). */
  teams: SeedCsvRow<'teams'>[] | null;
  /** Null when no broadcaster token was given (or it lacks the scope). */
  vips: SeedCsvRow<'vips'>[] | null;
  moderators: SeedCsvRow<'moderators'>[] | null;
  /** Things the user should know (a missing scope, a channel Helix did not return). */
  notes: string[];
  /**
   * Data this run could not collect, each with why and, for a refusal, the scope or token that would bring
   * it. `failed` is true when something other than a refusal (a server error, an unexpected answer) cost
   * data: the files are still written, but the run did not do its job.
   */
  missing: { what: string; reason: string; failed: boolean }[];
}

/** Helix's page size limit for /streams, /users and the role lists. */
const PAGE = 100;

const VIP_SCOPES = ['channel:read:vips', 'channel:manage:vips'];
const MODERATOR_SCOPES = ['moderation:read', 'channel:manage:moderators'];

/** Run `fn` over `items` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Helix's `2016-12-14T20:32:28Z` (fraction optional) → the seed's `2016-12-14 20:32:28` (fraction kept). */
export function seedTimestamp(value: string): string {
  const utc = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z$/.exec(value);
  if (utc !== null) return `${utc[1]} ${utc[2]}`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

interface Broadcaster {
  caller: Caller;
  userId: string;
  login: string;
  scopes: string[];
}

async function paginate<T>(
  client: HelixClient,
  path: string,
  query: Record<string, string>,
  schema: z.ZodType<{ data: T[]; pagination: string | undefined }>,
  caller: Caller,
  want: number,
  onPage: (count: number) => void,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  while (items.length < want) {
    const page = await client.get(
      path,
      { ...query, first: String(Math.min(PAGE, want - items.length)), after: cursor },
      schema,
      caller,
    );
    items.push(...page.data);
    onPage(items.length);
    cursor = page.pagination;
    if (cursor === undefined || page.data.length === 0) break;
  }
  return items;
}

/**
 * What a step lost, from the error that stopped it. A refusal for want of a scope names the scope and the
 * token that would bring it; only network, server and shape errors count as a failed run.
 */
function lost(what: string, error: HelixError, caller: Caller): CollectedSeed['missing'][number] {
  if (error.code !== HELIX_ERROR.scope) return { what, reason: error.message, failed: true };
  const scope = error.scope ?? 'a scope Twitch did not name';
  const remedy =
    caller.kind === 'app'
      ? `needs a user token with ${scope}: set TWITCH_BROADCASTER_TOKEN (issued to TWITCH_CLIENT_ID)`
      : `TWITCH_BROADCASTER_TOKEN lacks ${scope}`;
  return { what, reason: `${error.endpoint} refused: ${remedy}`, failed: false };
}

/** Runs a step whose data is optional; a HelixError becomes an entry of `missing` and `fallback`. */
async function optional<T>(
  missing: CollectedSeed['missing'],
  what: string,
  caller: Caller,
  fallback: T,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof HelixError)) throw error;
    missing.push(lost(what, error, caller));
    return fallback;
  }
}

export async function collectSeed(client: HelixClient, options: CollectOptions): Promise<CollectedSeed> {
  const concurrency = options.concurrency ?? 4;
  const progress = (step: CollectStep, done: number, total: number) =>
    options.onProgress?.({ step, done, total });
  const notes: string[] = [];
  const missing: CollectedSeed['missing'] = [];

  let broadcaster: Broadcaster | undefined;
  if (options.broadcasterToken !== undefined) {
    const token = options.broadcasterToken.replace(/^oauth:/i, '');
    const who = await client.validateUserToken(token, validateTokenResponse);
    if (who.client_id !== options.clientId) {
      throw new HelixError(
        `TWITCH_BROADCASTER_TOKEN was issued to client ${who.client_id}, not TWITCH_CLIENT_ID; Helix refuses such pairs`,
        HELIX_ERROR.token,
        'GET /validate',
        200,
        false,
      );
    }
    broadcaster = {
      caller: { kind: 'user', token },
      userId: who.user_id,
      login: who.login,
      scopes: who.scopes,
    };
  }

  // Streams: the ranking moves while we page, so a stream can show up on two pages: keep its first place and
  // read on until there are N different ones (or no more pages).
  const seen = new Set<string>();
  const streams: HelixStream[] = [];
  let cursor: string | undefined;
  progress('streams', 0, options.top);
  while (streams.length < options.top) {
    const page = await client.get('/streams', { first: PAGE, after: cursor }, streamsResponse);
    for (const stream of page.data) {
      if (seen.has(stream.user_id) || streams.length >= options.top) continue;
      seen.add(stream.user_id);
      streams.push(stream);
    }
    progress('streams', streams.length, options.top);
    cursor = page.pagination;
    if (cursor === undefined || page.data.length === 0) break;
  }

  // The token's channel, when it is not among them (offline, or not in the top N): from GET /channels.
  let offline: z.output<typeof channelsResponse>['data'][number] | undefined;
  if (broadcaster !== undefined && !seen.has(broadcaster.userId)) {
    const found = await client.get('/channels', { broadcaster_id: broadcaster.userId }, channelsResponse);
    offline = found.data[0];
    if (offline === undefined) notes.push(`Helix returned no channel for broadcaster ${broadcaster.login}`);
  }
  const ids = [...streams.map((s) => s.user_id), ...(offline === undefined ? [] : [offline.broadcaster_id])];

  const users = new Map<string, HelixUser>();
  const batches = Array.from({ length: Math.ceil(ids.length / PAGE) }, (_, i) =>
    ids.slice(i * PAGE, (i + 1) * PAGE),
  );
  let usersDone = 0;
  for (const batch of batches) {
    const page = await client.get('/users', { id: batch }, usersResponse);
    for (const user of page.data) users.set(user.id, user);
    usersDone += 1;
    progress('users', usersDone, batches.length);
  }

  // Follower totals: Twitch documents this endpoint with a user token; `total` comes whatever the token may
  // see of the list. The broadcaster's token is used when there is one, else the app token.
  const followersCaller: Caller = broadcaster?.caller ?? { kind: 'app' };
  let followersDone = 0;
  // The first refusal or failure stops the step: the same token would be refused for every channel.
  let followersStopped: HelixError | undefined;
  const followers = await mapLimit(ids, concurrency, async (id): Promise<number | null> => {
    try {
      if (followersStopped !== undefined) return null;
      const { total } = await client.get(
        '/channels/followers',
        { broadcaster_id: id, first: '1' },
        followersResponse,
        followersCaller,
      );
      return total;
    } catch (error) {
      if (!(error instanceof HelixError)) throw error;
      followersStopped ??= error;
      return null;
    } finally {
      followersDone += 1;
      progress('followers', followersDone, ids.length);
    }
  });
  if (followersStopped !== undefined) {
    const entry = lost('follower totals', followersStopped, followersCaller);
    missing.push({ ...entry, reason: `${entry.reason}; the followers column is 0 where unknown` });
  }

  let teamsDone = 0;
  const teamLists = await optional(missing, 'team memberships', { kind: 'app' }, null, () =>
    mapLimit(ids, concurrency, async (id) => {
      const { data } = await client.get('/teams/channel', { broadcaster_id: id }, channelTeamsResponse);
      teamsDone += 1;
      progress('teams', teamsDone, ids.length);
      return data.map((t) => t.team_name);
    }),
  );

  const streamers: SeedCsvRow<'streamers'>[] = [];
  const teams: SeedCsvRow<'teams'>[] = [];
  ids.forEach((id, i) => {
    const user = users.get(id);
    const stream = streams[i];
    if (user === undefined) {
      // Helix leaves out suspended or deleted accounts.
      notes.push(`GET /users returned nothing for ${stream?.user_login ?? id} (${id}); left out`);
      return;
    }
    streamers.push({
      id: stream?.id ?? '',
      user_id: id,
      user_login: stream?.user_login ?? user.login,
      user_name: stream?.user_name ?? offline?.broadcaster_name ?? user.display_name,
      game_name: stream?.game_name ?? offline?.game_name ?? '',
      language: stream?.language ?? offline?.broadcaster_language ?? '',
      thumbnail_url: stream?.thumbnail_url ?? '',
      followers: String(followers[i] ?? 0),
      description: user.description,
      view_count: String(user.view_count ?? 0),
      created_at: seedTimestamp(user.created_at),
    });
    for (const team of teamLists?.[i] ?? []) teams.push({ user_id: id, team_name: team });
  });

  let vips: SeedCsvRow<'vips'>[] | null = null;
  let moderators: SeedCsvRow<'moderators'>[] | null = null;
  if (broadcaster !== undefined) {
    const { caller, userId, login, scopes } = broadcaster;
    if (scopes.some((s) => VIP_SCOPES.includes(s))) {
      const list = await optional(missing, 'VIPs', caller, null, () =>
        paginate(
          client,
          '/channels/vips',
          { broadcaster_id: userId },
          roleHoldersResponse,
          caller,
          Number.MAX_SAFE_INTEGER,
          (n) => progress('vips', n, n),
        ),
      );
      vips = list?.map((u) => ({ user_id: userId, vip_login: u.user_login })) ?? null;
    } else {
      notes.push(`the broadcaster token of ${login} lacks channel:read:vips: no vips.csv`);
    }
    if (scopes.some((s) => MODERATOR_SCOPES.includes(s))) {
      const list = await optional(missing, 'moderators', caller, null, () =>
        paginate(
          client,
          '/moderation/moderators',
          { broadcaster_id: userId },
          roleHoldersResponse,
          caller,
          Number.MAX_SAFE_INTEGER,
          (n) => progress('moderators', n, n),
        ),
      );
      moderators = list?.map((u) => ({ user_id: userId, moderator_login: u.user_login })) ?? null;
    } else {
      notes.push(`the broadcaster token of ${login} lacks moderation:read: no moderators.csv`);
    }
  }
  return { streamers, teams: teamLists === null ? null : teams, vips, moderators, notes, missing };
}

/** Write the collected files into `directory` in place of any seed there; returns the paths written. */
export async function writeCollectedSeed(directory: string, collected: CollectedSeed): Promise<string[]> {
  return replaceSeedDirectory(directory, {
    streamers: collected.streamers,
    ...(collected.teams === null ? {} : { teams: collected.teams }),
    ...(collected.vips === null ? {} : { vips: collected.vips }),
    ...(collected.moderators === null ? {} : { moderators: collected.moderators }),
  });
}
