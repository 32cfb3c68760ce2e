/**
 * Alert events: the messages on the `alerts` topic, from the detector beside the ingest worker to whoever
 * posts them (the Discord bot) and records them (docs/ARCHITECTURE.md, "Live alerts"). One schema, one
 * codec, validated on both sides like chat events.
 *
 * An alert is updated in place: every update of the same alert carries the same `id` and a higher
 * `version`, so a consumer keeps only the highest version it has seen and an update edits the message
 * posted for the first one instead of posting again.
 */
import { z } from 'zod';
import { loginSchema } from './login.js';

export const ALERT_EVENT_VERSION = 1;

/** Accounts listed in an alert; the rest are counted (`accountCount`). Discord embeds stay readable at 25. */
export const ALERT_ACCOUNTS_LISTED = 25;

const accountSchema = z.object({
  login: loginSchema,
  /** When the account was made (Helix `created_at`, ISO 8601); null without Helix or when not looked up. */
  createdAt: z.string().max(40).nullable(),
  /** Other channels where the graph knew it before (first few, sorted). */
  seenIn: z.array(z.string().max(64)).max(10),
  /** How many other channels in all. */
  seenInCount: z.number().int().nonnegative(),
  /** Counted as new: unknown to the graph before, or made in the last days. */
  isNew: z.boolean(),
});

export const alertEventSchema = z.object({
  v: z.literal(ALERT_EVENT_VERSION),
  id: z.string().min(1).max(120),
  kind: z.enum(['raid', 'bot-wave']),
  version: z.number().int().positive(),
  channel: z.object({ id: z.string().max(20), login: loginSchema }),
  /** Chat time (epoch ms) of the first and the latest event in the alert. */
  openedAt: z.number().int().nonnegative(),
  updatedAt: z.number().int().nonnegative(),
  /** Wall-clock time the detector emitted this version (epoch ms): for the alert latency figures. */
  emittedAt: z.number().int().nonnegative(),
  title: z.string().min(1).max(256),
  /** Lines of plain facts, shown under the title. */
  facts: z.array(z.string().max(200)).max(10),
  raid: z
    .object({
      raider: loginSchema,
      viewers: z.number().int().nonnegative(),
      /** First-time chatters since the raid, within the raid window. */
      arrivals: z.number().int().nonnegative(),
      /** …of whom the graph knew before. */
      known: z.number().int().nonnegative(),
      /** …of whom the graph knew in the raider's channel. */
      fromRaider: z.number().int().nonnegative(),
    })
    .optional(),
  wave: z
    .object({
      firstTimers: z.number().int().nonnegative(),
      newAccounts: z.number().int().nonnegative(),
      windowMs: z.number().int().positive(),
      /** `graph`: novelty from the graph alone (no Helix credentials); `graph+helix`: account ages too. */
      basis: z.enum(['graph', 'graph+helix']),
    })
    .optional(),
  accounts: z.array(accountSchema).max(ALERT_ACCOUNTS_LISTED),
  accountCount: z.number().int().nonnegative(),
});

export type AlertEvent = z.infer<typeof alertEventSchema>;
export type AlertAccount = z.infer<typeof accountSchema>;

/**
 * Posts an alert to a Discord channel: a new message, or an edit of `messageId`; resolves with the message
 * id. Implemented by the Discord adapter (discord/alert-poster.ts), used by the alerts consumer.
 */
export interface AlertPoster {
  post(alert: AlertEvent, discordChannel: string, messageId: string | null): Promise<string>;
}

export function encodeAlertEvent(alert: AlertEvent): Buffer {
  return Buffer.from(JSON.stringify(alertEventSchema.parse(alert)));
}

export type AlertDecodeResult = { ok: true; alert: AlertEvent } | { ok: false; reason: string };

export function decodeAlertEvent(raw: Uint8Array | null): AlertDecodeResult {
  if (raw === null) return { ok: false, reason: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = alertEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, alert: parsed.data };
}
