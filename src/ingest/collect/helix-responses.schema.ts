/**
 * Helix's response shapes, as Twitch sends them (snake_case), for the endpoints the collector calls
 * (https://dev.twitch.tv/docs/api/reference). Every response is validated against these before use; only
 * the fields the collector needs are required, the rest pass through unchecked.
 */
import { z } from 'zod';

const id = z.string().regex(/^\d{1,20}$/, { error: 'expected a numeric Twitch id' });

const pagination = z
  .object({ cursor: z.string().min(1).optional() })
  .optional()
  .transform((p) => p?.cursor);

/** POST {auth}/token, client-credentials grant. */
export const appTokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().nonnegative(),
  token_type: z.string(),
});

/** GET {auth}/validate: what a user token is (whose, which client, which scopes). */
export const validateTokenResponse = z.object({
  client_id: z.string(),
  login: z.string(),
  user_id: id,
  scopes: z
    .array(z.string())
    .nullable()
    .transform((s) => s ?? []),
  expires_in: z.number(),
});

/** GET /streams: live streams, most viewers first. */
export const streamsResponse = z.object({
  data: z.array(
    z.object({
      // Written to the seed's `id` column as given: Twitch documents it as a string, its mock sends GUIDs.
      id: z.string(),
      user_id: id,
      user_login: z.string().min(1),
      user_name: z.string(),
      game_name: z.string(),
      language: z.string(),
      thumbnail_url: z.string(),
    }),
  ),
  pagination,
});
export type HelixStream = z.infer<typeof streamsResponse>['data'][number];

/** GET /users?id=…: up to 100 users. */
export const usersResponse = z.object({
  data: z.array(
    z.object({
      id,
      login: z.string().min(1),
      display_name: z.string(),
      description: z.string(),
      // Deprecated by Twitch (2022) and mostly 0 since; still the seed's view_count column.
      view_count: z.number().int().nonnegative().optional(),
      created_at: z.string(),
    }),
  ),
});
export type HelixUser = z.infer<typeof usersResponse>['data'][number];

/** GET /channels?broadcaster_id=…: a channel's game and language (for a broadcaster who is not live). */
export const channelsResponse = z.object({
  data: z.array(
    z.object({
      broadcaster_id: id,
      broadcaster_login: z.string().min(1),
      broadcaster_name: z.string(),
      broadcaster_language: z.string(),
      game_name: z.string(),
    }),
  ),
});

/** GET /channels/followers?broadcaster_id=…: `total` is there whatever the token may see of the list. */
export const followersResponse = z.object({
  total: z.number().int().nonnegative(),
  data: z.array(z.unknown()).optional(),
  pagination,
});

/** GET /teams/channel?broadcaster_id=…: `data` is null when the channel is in no team. */
export const channelTeamsResponse = z.object({
  data: z
    .array(z.object({ team_name: z.string().min(1), team_display_name: z.string().optional() }))
    .nullable()
    .transform((d) => d ?? []),
});

/** GET /channels/vips and GET /moderation/moderators: users with a role in the token's channel, paginated. */
export const roleHoldersResponse = z.object({
  data: z.array(z.object({ user_id: id, user_login: z.string().min(1), user_name: z.string() })),
  pagination,
});

/** Helix's error body. */
export const errorResponse = z.object({
  error: z.string().optional(),
  status: z.number().optional(),
  message: z.string().optional(),
});
