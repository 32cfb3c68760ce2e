import { describe, expect, it } from 'vitest';
import { SeenRows } from '../../src/ingest/csv/seed-importer.js';

describe('SeenRows (repeat rows of one seed file)', () => {
  it('knows every key it was given, and only those, past several growths', () => {
    const seen = new SeenRows();
    const keys = Array.from({ length: 50_000 }, (_, i) => `${i % 97}:${i.toString(36)}`);
    for (const key of keys) expect(seen.addKey(key)).toBe(true);
    for (const key of keys) expect(seen.addKey(key)).toBe(false);
    expect(seen.addKey('x'.repeat(70_000))).toBe(true);
    expect(seen.addKey('x'.repeat(70_001))).toBe(true);
    expect(seen.addKey('x'.repeat(70_000))).toBe(false);
  });

  it('tells apart a streamer and a login that join into the same text', () => {
    const seen = new SeenRows();
    expect(seen.add('chatters', { streamerId: '12', login: '3abc' })).toBe(true);
    expect(seen.add('chatters', { streamerId: '123', login: 'abc' })).toBe(true);
    expect(seen.add('chatters', { streamerId: '12', login: '3abc' })).toBe(false);
  });

  it('tells apart keys that are the same in UTF-8 only after lone surrogates are replaced', () => {
    const seen = new SeenRows();
    expect(seen.addKey('a\ud800')).toBe(true);
    expect(seen.addKey('a\ufffd')).toBe(true);
    expect(seen.addKey('a\udc00')).toBe(true);
    expect(seen.addKey('a\ud800')).toBe(false);
    expect(seen.addKey('a\ufffd')).toBe(false);
    expect(seen.addKey('😀 ünï')).toBe(true);
    expect(seen.addKey('😀 ünï')).toBe(false);
  });
});
