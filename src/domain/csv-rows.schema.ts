/**
 * The seed's five CSV files: exact headers and one zod schema per row. Rows become graph records here,
 * so the rest of the import never sees raw CSV columns.
 */
import { z } from 'zod';
import type { ChatterPresence, RoleGrant, StreamerRecord, TeamMembership } from './graph-records.js';
import { loginSchema, twitchIdSchema } from './login.js';

const count = (field: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `${field} must be a whole number ≥ 0` })
    .transform(Number)
    .refine(Number.isSafeInteger, { error: `${field} is too large` });

/** Limits Twitch itself sets: a display name is the login's 25 characters re-cased (or localised). */
export const TWITCH_LIMITS = { displayName: 25, description: 300 } as const;

const nonEmpty = (field: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `${field} is empty` });

/** `2018-01-15 01:40:09.577844` (Helix's format, UTC) → ISO 8601. */
const timestamp = z
  .string()
  .trim()
  .transform((v, ctx) => {
    if (v === '') return null;
    const iso = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.test(v)
      ? v.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1')
      : v;
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? iso : `${iso}Z`;
    const ms = Date.parse(withZone);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: `created_at is not a date: ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

export const streamerRowSchema = z
  .object({
    id: z.string().trim(),
    user_id: twitchIdSchema,
    user_login: loginSchema,
    user_name: nonEmpty('user_name').max(TWITCH_LIMITS.displayName, {
      error: `user_name is longer than ${TWITCH_LIMITS.displayName} characters (the Twitch limit)`,
    }),
    game_name: z.string().trim(),
    language: z.string().trim(),
    thumbnail_url: z.string().trim(),
    followers: count('followers'),
    description: z.string(),
    view_count: count('view_count'),
    created_at: timestamp,
  })
  .transform((row): StreamerRecord => ({
    id: row.user_id,
    login: row.user_login,
    displayName: row.user_name,
    game: row.game_name === '' ? null : row.game_name,
    language: row.language === '' ? null : row.language.toLowerCase(),
    url: `https://www.twitch.tv/${row.user_login}`,
    followers: row.followers,
    totalViewCount: row.view_count,
    createdAt: row.created_at,
    description: row.description.trim(),
  }));

export const teamRowSchema = z
  .object({ user_id: twitchIdSchema, team_name: nonEmpty('team_name') })
  .transform((row): TeamMembership => ({ streamerId: row.user_id, team: row.team_name }));

export const vipRowSchema = z
  .object({ user_id: twitchIdSchema, vip_login: loginSchema })
  .transform((row): RoleGrant => ({ streamerId: row.user_id, login: row.vip_login, role: 'VIP' }));

export const moderatorRowSchema = z
  .object({ user_id: twitchIdSchema, moderator_login: loginSchema })
  .transform((row): RoleGrant => ({
    streamerId: row.user_id,
    login: row.moderator_login,
    role: 'MODERATOR',
  }));

export const chatterRowSchema = z
  .object({ user_id: twitchIdSchema, chatter_login: loginSchema })
  .transform((row): ChatterPresence => ({ streamerId: row.user_id, login: row.chatter_login }));

/** The five files in the order they must be imported (streamers first: the others refer to them). */
export const SEED_FILES = {
  streamers: {
    file: 'streamers.csv',
    header: [
      'id',
      'user_id',
      'user_login',
      'user_name',
      'game_name',
      'language',
      'thumbnail_url',
      'followers',
      'description',
      'view_count',
      'created_at',
    ],
    schema: streamerRowSchema,
  },
  teams: { file: 'teams.csv', header: ['user_id', 'team_name'], schema: teamRowSchema },
  vips: { file: 'vips.csv', header: ['user_id', 'vip_login'], schema: vipRowSchema },
  moderators: { file: 'moderators.csv', header: ['user_id', 'moderator_login'], schema: moderatorRowSchema },
  chatters: { file: 'chatters.csv', header: ['user_id', 'chatter_login'], schema: chatterRowSchema },
} as const;

export type SeedFileKind = keyof typeof SEED_FILES;
export const SEED_FILE_ORDER: readonly SeedFileKind[] = [
  'streamers',
  'teams',
  'vips',
  'moderators',
  'chatters',
];
