import { z } from 'zod';

/** Twitch's own rule for a login: 1–25 of a–z, 0–9 and underscore (older accounts may be short). */
const TWITCH_LOGIN = /^[a-z0-9_]{1,25}$/;

export function isTwitchLogin(value: string): boolean {
  return TWITCH_LOGIN.test(value);
}

/**
 * A login as found in data files. Twitch's length limit (25) holds, but not its character rule: the real
 * seed data holds 3-character logins of old accounts and logins that a spreadsheet turned into numbers or
 * dates (`1.00E+12`, `24-Sep`); they are kept as-is (the importer counts them) so the graph matches the
 * seed's. Lower-cased, trimmed; no whitespace, commas or control characters.
 */
export const loginSchema = z
  .string()
  .trim()
  .min(1, { error: 'login is empty' })
  .max(25, { error: 'login is longer than 25 characters (the Twitch limit)' })
  .regex(/^[^\s,]+$/, { error: 'login contains whitespace or a comma' })
  .regex(/^[^\p{Cc}]+$/u, { error: 'login contains control characters' })
  .transform((v) => v.toLowerCase());

/** Twitch user and broadcaster ids are decimal strings; they exceed 2^31 so they stay strings. */
export const twitchIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, { error: 'expected a numeric Twitch id' });

/**
 * Twitch's rule for logins chosen today: 4–25 of a–z, 0–9 and underscore. Channels that people ask the
 * listener to join are checked against it (the lenient `loginSchema` above is for data files).
 */
export const CHANNEL_LOGIN = /^[a-z0-9_]{4,25}$/;

export type ChannelLoginResult = { ok: true; login: string } | { ok: false; problem: string };

/**
 * A channel as people write it — `LCK_Korea`, `#lck_korea`, `@lck_korea`, `twitch.tv/lck_korea`,
 * `https://www.twitch.tv/lck_korea/videos` — reduced to its login and checked.
 */
export function channelLoginFromInput(input: string): ChannelLoginResult {
  let value = input.trim().toLowerCase();
  const url = /^(?:https?:\/\/)?(?:(?:www|m)\.)?twitch\.tv\/([^/?#\s]*)/.exec(value);
  if (url !== null) value = url[1] ?? '';
  value = value.replace(/^[#@]/, '');
  if (value === '') return { ok: false, problem: 'a channel login is required, e.g. lck_korea' };
  if (CHANNEL_LOGIN.test(value)) return { ok: true, login: value };
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  const why = /[^a-z0-9_]/.test(value)
    ? 'may only hold letters a–z, digits and underscores'
    : value.length < 4
      ? 'is shorter than 4 characters'
      : 'is longer than 25 characters';
  return {
    ok: false,
    problem: `"${shown}" is not a Twitch login: it ${why}. Give the login as in twitch.tv/<login>, e.g. lck_korea or https://twitch.tv/lck_korea.`,
  };
}
