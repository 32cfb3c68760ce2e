import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';

const load = (env: Record<string, string>) => loadConfig({ env, cwd: '/srv/app', dotenv: false });

describe('config', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = load({});
    expect(config.graph.url).toBeUndefined();
    expect(config.kafka.brokers).toEqual([]);
    expect(config.dataDir).toBe('/srv/app/.twitchgraph');
    expect(config.graph.batchSize).toBe(1000);
    expect(config.kafka.topic).toBe('chatters');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080, allowedHosts: [] });
    expect(config.discord.token).toBeUndefined();
  });

  it('parses lists, numbers and URLs', () => {
    const config = load({
      KAFKA_BROKERS: 'a:9092, b:9093,',
      TWITCH_CHANNELS: '#Foo,bar',
      GRAPH_URL: 'bolt://db:7687',
      GRAPH_BATCH_SIZE: '250',
      TWITCHGRAPH_DATA_DIR: '/var/lib/tg',
    });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(config.twitch.channels).toEqual(['foo', 'bar']);
    expect(config.graph.url).toBe('bolt://db:7687');
    expect(config.graph.batchSize).toBe(250);
    expect(config.dataDir).toBe('/var/lib/tg');
  });

  it('lists every bad variable at once, with what it got', () => {
    let error: unknown;
    try {
      load({
        GRAPH_BATCH_SIZE: 'lots',
        GRAPH_URL: 'http://db',
        HTTP_PORT: '70000',
        LOG_LEVEL: 'loud',
        TWITCH_USERNAME: 'me',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('GRAPH_BATCH_SIZE: expected a whole number (got "lots")');
    expect(message).toContain('GRAPH_URL: expected a URL like bolt://localhost:7687 (got "http://db")');
    expect(message).toContain('HTTP_PORT: must be at most 65535 (got "70000")');
    expect(message).toContain('LOG_LEVEL');
    expect((error as ConfigError).problems.length).toBe(4);
  });

  it('reads the web guards: extra host names, and a playground token of 16+ characters only', () => {
    const config = load({ HTTP_ALLOWED_HOSTS: 'Box.lan, listener', PLAYGROUND_TOKEN: 'x'.repeat(16) });
    expect(config.http.allowedHosts).toEqual(['box.lan', 'listener']);
    expect(config.http.playgroundToken).toBe('x'.repeat(16));
    expect(() => load({ PLAYGROUND_TOKEN: 'short' })).toThrow(
      'PLAYGROUND_TOKEN: use at least 16 characters (got 5 characters)',
    );
  });

  it('checks settings that go in pairs', () => {
    expect(() => load({ TWITCH_USERNAME: 'me' })).toThrow(/TWITCH_USERNAME and TWITCH_OAUTH_TOKEN/);
    expect(() => load({ GRAPH_PASSWORD: 'x' })).toThrow(/GRAPH_USER and GRAPH_PASSWORD/);
  });

  it('reads .env, and the environment wins over it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twitchgraph-config-'));
    try {
      writeFileSync(join(dir, '.env'), 'KAFKA_TOPIC=from-file\nKAFKA_GROUP_ID=file-group\n');
      const config = loadConfig({ env: { KAFKA_GROUP_ID: 'env-group' }, cwd: dir });
      expect(config.kafka.topic).toBe('from-file');
      expect(config.kafka.groupId).toBe('env-group');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every variable in .env.example, and nothing else', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('accepts .env.example as it is', () => {
    const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
    const env = Object.fromEntries(
      [...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]),
    );
    expect(() => load(env)).not.toThrow();
  });
});
