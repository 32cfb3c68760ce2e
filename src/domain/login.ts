import { z } from 'zod';

/** Twitch's own rule for a login: 1–25 of a–z, 0–9 and underscore (older accounts may be short). */
const TWITCH_LOGIN = /^[a-z0-9_]{1,25}$/;

export function isTwitchLogin(value: string): boolean {
  return TWITCH_LOGIN.test(value);
}

/**
 * A login as found in data files. Lenient on purpose: the real seed data holds logins that a spreadsheet
 * turned into numbers or dates (`1.00E+12`, `24-Sep`); they are kept as-is (the importer warns about
 * them) so the graph matches the seed's. Lower-cased, trimmed, no whitespace or commas.
 */
export const loginSchema = z
  .string()
  .trim()
  .min(1, { error: 'login is empty' })
  .max(64, { error: 'login is longer than 64 characters' })
  .regex(/^[^\s,]+$/, { error: 'login contains whitespace or a comma' })
  .transform((v) => v.toLowerCase());

/** Twitch user and broadcaster ids are decimal strings; they exceed 2^31 so they stay strings. */
export const twitchIdSchema = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, { error: 'expected a numeric Twitch id' });
