import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, secretValues } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { redactSecrets } from '../../src/util/secrets.js';
import { runCli } from '../support/cli-harness.js';
import { useTempDirs } from '../support/temp-dir.js';

describe('secrets in messages and logs (issue 14, finding 8)', () => {
  const tempDir = useTempDirs();

  it('finding 8: a password inside GRAPH_URL never appears in the error line', async () => {
    const env = {
      GRAPH_URL: 'bolt://neo4j:s3cret-pw@127.0.0.1:1',
      GRAPH_CONNECT_RETRIES: '0',
      GRAPH_CONNECT_BACKOFF_MS: '1',
    };
    const asked = await runCli(['ask', '/stats'], env);
    expect(asked.code).toBe(1);
    expect(asked.err).toContain('127.0.0.1:1');
    expect(asked.err + asked.out).not.toContain('s3cret-pw');
  });

  it('finding 8: credentials in GRAPH_URL become the graph user and password, and leave the URL', () => {
    const config = loadConfig({ env: { GRAPH_URL: 'bolt://neo4j:p%40ss@db.example:7687' }, dotenv: false });
    expect(config.graph).toMatchObject({ url: 'bolt://db.example:7687', user: 'neo4j', password: 'p@ss' });
    expect(secretValues(config)).toContain('p@ss');
  });

  it('finding 8: logs carry no configured secret, in the message or in any field', () => {
    const secrets = ['hunter2-token', 'pa"ss\\word'];
    const path = join(tempDir(), 'log.json');
    const fd = openSync(path, 'w');
    try {
      const logger = createLogger({ level: 'info', format: 'json' }, fd, secrets);
      logger.info(
        { url: 'bolt://u:hunter2-token@h', password: 'pa"ss\\word' },
        'connecting with hunter2-token',
      );
      logger.error({ err: new Error('auth failed for pa"ss\\word') }, 'failed');
      logger.flush();
    } finally {
      closeSync(fd);
    }
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('connecting with');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('ss\\\\word');
    expect(text).toContain('***');
  });

  it('redactSecrets leaves text without secrets alone and ignores empty secrets', () => {
    expect(redactSecrets('nothing here', ['', 'abc'])).toBe('nothing here');
    expect(redactSecrets('abc and abc', ['abc'])).toBe('*** and ***');
  });
});
