import { describe, expect, it } from 'vitest';
import type { DrawnReply } from '../../src/reply/reply.js';
import { pageReply } from '../../src/discord/reply-message.js';
import { oneLine } from '../../src/render/text.js';

const HOSTILE = '\u001b[2J\u001b]0;pwned\u0007\u009b31m\u0000\r';
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('Discord embeds from hostile text (issue 14, finding 4)', () => {
  it('finding 4: no control character reaches a title, description, field, table or footer', async () => {
    const reply: DrawnReply = {
      status: 'ok',
      title: `Streamer${HOSTILE}`,
      description: `about${HOSTILE}\nsecond line`,
      fields: [{ name: `field${HOSTILE}`, value: `value${HOSTILE}`, inline: true }],
      table: { columns: [{ header: `login${HOSTILE}` }], rows: [[`kim${HOSTILE}`], ['lee']] },
      notes: [`note${HOSTILE}`],
      pictures: [],
      images: [],
      ephemeral: false,
    };
    const page = await pageReply(reply).page(0);
    const json = page.embeds.map((e) => JSON.stringify(e, null, 0));
    for (const embed of page.embeds) {
      const texts = [
        embed.title ?? '',
        embed.description ?? '',
        embed.footer?.text ?? '',
        ...(embed.fields ?? []).flatMap((f) => [f.name, f.value]),
      ];
      for (const t of texts) expect(t, json.join('\n')).not.toMatch(RAW_CONTROL);
    }
    expect(page.embeds[0]?.description).toContain('second line');
    expect(page.embeds[0]?.description).toContain('kim');
  });
});

describe('picture labels from hostile text (issue 14, finding 4)', () => {
  it('finding 4: a label loses C0 and C1 controls alike (C1 drew as boxes)', () => {
    expect(oneLine(`kim\u009b31m\u0085x\u001b[2J`)).toBe('kim 31m x [2J');
  });
});
