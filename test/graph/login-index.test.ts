import { describe, expect, it } from 'vitest';
import { LoginIndex } from '../../src/graph/embedded/login-index.js';

describe('LoginIndex (login → node of the embedded graph)', () => {
  it('answers like a Map through growth, deletions, re-insertions and slot reuse', () => {
    const index = new LoginIndex();
    const map = new Map<string, number>();
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let step = 0; step < 60_000; step += 1) {
      const key = `user_${random() % 9_000}`;
      const op = random() % 10;
      if (op < 6) {
        index.set(key, step);
        map.set(key, step);
      } else if (op < 9) expect(index.delete(key)).toBe(map.delete(key));
      else expect(index.get(key)).toBe(map.get(key));
      if (step % 997 === 0) expect(index.size).toBe(map.size);
    }
    for (let i = 0; i < 9_000; i += 1) expect(index.get(`user_${i}`)).toBe(map.get(`user_${i}`));
    expect(index.size).toBe(map.size);
  });

  it('keeps apart keys that differ in one code unit, the empty login included', () => {
    const index = new LoginIndex();
    const keys = ['', 'a', 'a\ud800', 'a\udc00', 'b', 'ab', 'ba'];
    keys.forEach((key, node) => index.set(key, node));
    keys.forEach((key, node) => expect(index.get(key)).toBe(node));
    expect(index.has('c')).toBe(false);
    expect(index.get('c')).toBeUndefined();
  });
});
