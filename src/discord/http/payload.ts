/**
 * The interaction payload Discord posts to the Interactions Endpoint URL (Receiving and Responding →
 * Interaction Object), read with zod: only the fields twitchgraph uses, unknown ones ignored. Parsed
 * only after the signature checked out.
 */
import { z } from 'zod';
import type { RawOption } from '../interaction.js';

const snowflake = z.string().regex(/^\d{1,20}$/);

const user = z.object({ id: snowflake, username: z.string() });

const member = z.object({
  user: user.optional(),
  roles: z.array(snowflake),
  /** Bit set as a decimal string. */
  permissions: z.string().regex(/^\d{1,30}$/),
});

const option: z.ZodType<RawOption> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number().int(),
    value: z.union([z.string(), z.number(), z.boolean()]).optional(),
    options: z.array(option).optional(),
    focused: z.boolean().optional(),
  }),
);

const base = {
  id: snowflake,
  application_id: snowflake,
  token: z.string().min(1).max(1000),
  guild_id: snowflake.optional(),
  member: member.optional(),
  /** Present in direct messages, where there is no member. */
  user: user.optional(),
};

const commandData = z.object({
  name: z.string(),
  options: z.array(option).optional(),
});

export const interactionPayload = z.discriminatedUnion('type', [
  z.object({ type: z.literal(1), id: snowflake, application_id: snowflake }),
  z.object({ ...base, type: z.literal(2), data: commandData }),
  z.object({
    ...base,
    type: z.literal(3),
    data: z.object({ custom_id: z.string().max(100), component_type: z.number().int() }),
  }),
  z.object({ ...base, type: z.literal(4), data: commandData }),
  // Modal submits: answered with "not handled here".
  z.object({ ...base, type: z.literal(5) }),
]);

export type InteractionPayload = z.infer<typeof interactionPayload>;
export type AnswerablePayload = Exclude<InteractionPayload, { type: 1 }>;
