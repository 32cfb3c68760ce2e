/**
 * HOOK(render): where the bot gets its table pictures. `src/render/table-image.ts` (being written by the
 * rendering work) draws a ReplyTable as a PNG; until it is on main, no renderer is set and tables too wide
 * for a code block are narrowed with "…" instead (see `reply-message.ts`).
 */
import type { TableImageRenderer } from './reply-message.js';

export function defaultTableImageRenderer(): TableImageRenderer | undefined {
  return undefined;
}
