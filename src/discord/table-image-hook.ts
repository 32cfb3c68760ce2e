/**
 * Where the bot and the playground get their table pictures: `renderTableImage` from
 * `src/render/table-image.ts` draws a ReplyTable as a PNG for tables too wide for a code block (see
 * `reply-message.ts`). It is loaded on first use, so answers whose tables fit as text never load the
 * canvas library.
 */
import type { TableImageRenderer } from './reply-message.js';

export function defaultTableImageRenderer(): TableImageRenderer {
  return async (input) => {
    const { renderTableImage } = await import('../render/table-image.js');
    return renderTableImage(input);
  };
}
