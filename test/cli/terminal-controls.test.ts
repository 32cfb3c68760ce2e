import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replyText } from '../../src/cli/reply-text.js';
import { errorReply } from '../../src/reply/reply.js';
import { createLogger } from '../../src/logging.js';
import { runCli } from '../support/cli-harness.js';
import { useTempDirs } from '../support/temp-dir.js';

const STREAMERS_HEADER =
  'id,user_id,user_login,user_name,game_name,language,thumbnail_url,followers,description,view_count,created_at';
// Clear screen, set the window title, an OSC 8 hyperlink whose target differs from its text, and a C1 CSI.
const HOSTILE =
  '\u001b[2J\u001b]0;pwned\u0007\u001b]8;;http://evil.example\u001b\\click\u001b]8;;\u001b\\\u009b31m';
// Any C0 control but tab and line feed, DEL, any C1 control.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('terminal output from hostile text (issue 14, finding 4)', () => {
  const tempDir = useTempDirs();

  it('finding 4: ask prints a description full of escape sequences with the controls made visible', async () => {
    const data = tempDir();
    writeFileSync(
      join(data, 'streamers.csv'),
      `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,"${HOSTILE}",1,2020-01-01 00:00:00\n`,
    );
    const env = { TWITCHGRAPH_DATA_DIR: tempDir() };
    expect((await runCli(['import', '--data', data], env)).code).toBe(0);
    const asked = await runCli(['ask', '/streamer alpha'], env);
    expect(asked.out).toContain('alpha');
    expect(asked.out).not.toMatch(RAW_CONTROL);
    expect(asked.out).toContain('␛[2J');
    expect(asked.out).toContain('\\x9B');
  });

  it('finding 4: import rejection lines and notes never carry raw controls', async () => {
    const data = tempDir();
    writeFileSync(
      join(data, 'streamers.csv'),
      `${STREAMERS_HEADER}\n1,10,alpha,Alpha,Chess,en,x,1,d,1,2020-01-01 00:00:00\n`,
    );
    writeFileSync(join(data, 'vips.csv'), `user_id,vip_login\n10,ok\n1\u001b[2J0,x\n10,\u001b]0;t\u0007\n`);
    // A header is echoed in its error message.
    writeFileSync(join(data, 'chatters.csv'), `user_id,chatter_login\u001b[2J\n10,ok\n`);
    const imported = await runCli(['import', '--data', join(data)], { TWITCHGRAPH_DATA_DIR: tempDir() });
    expect(imported.err).toContain('vips.csv:3');
    expect(imported.err + imported.out).toContain('␛[2J');
    expect(imported.err).not.toMatch(RAW_CONTROL);
    expect(imported.out).not.toMatch(RAW_CONTROL);
  });

  it('finding 4: replyText makes controls visible in every part and clips a huge description', () => {
    const reply = errorReply(`title${HOSTILE}`, `${'d'.repeat(10_000)}${HOSTILE}`, [`note${HOSTILE}`]);
    const text = replyText(reply);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text.length).toBeLessThan(6_000);
    expect(text).toContain('more characters');
  });
});

describe('logs (issue 14, finding 4)', () => {
  const tempDir = useTempDirs();

  it.each(['json', 'pretty'] as const)(
    'finding 4: a %s log line shows C1 controls in fields escaped, not raw (JSON escapes C0 only)',
    (format) => {
      const path = join(tempDir(), 'log.txt');
      const fd = openSync(path, 'w');
      try {
        const logger = createLogger({ level: 'info', format }, fd);
        logger.info({ login: `kim${HOSTILE}` }, `joined${HOSTILE}`);
        logger.flush();
      } finally {
        closeSync(fd);
      }
      const text = readFileSync(path, 'utf8');
      expect(text).toContain('kim');
      expect(text).not.toMatch(RAW_CONTROL);
    },
  );
});
