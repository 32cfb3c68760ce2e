/**
 * The fast path of chat-event decoding must not change a single answer: every sample, valid or not, decodes
 * to the same result (event, or failure code and reason) with it as with the zod schemas alone.
 */
import { describe, expect, it } from 'vitest';
import { chatEventFromJson, decodeChatEvent } from '../../src/domain/chat-event.js';
import { plainChatEvent } from '../../src/domain/chat-event-fast-path.js';
import { seededRandom } from '../../src/util/seeded-random.js';

const MISSING = Symbol('missing');
type Choice = unknown;

const ids: Choice[] = [
  '190835892',
  '1',
  '9'.repeat(20),
  '9'.repeat(21),
  ' 42 ',
  '42\n',
  '4a2',
  '',
  '١٢',
  42,
  null,
  MISSING,
];
const logins: Choice[] = [
  'some_viewer',
  'a',
  'x'.repeat(25),
  'x'.repeat(26),
  'x'.repeat(64),
  'x'.repeat(65),
  'Some_Viewer',
  ' padded ',
  'a,b',
  'a b',
  '',
  '   ',
  '1.00E+12',
  '24-sep',
  'ünïcödé',
  'İstanbul',
  7,
  null,
  MISSING,
];
const texts: Choice[] = [
  null,
  'Some_Viewer',
  '',
  'x'.repeat(100),
  'x'.repeat(101),
  '🙂'.repeat(50),
  '🙂'.repeat(51),
  5,
  false,
  MISSING,
];
const flags: Choice[] = [true, false, 'true', 1, null, MISSING];
const times: Choice[] = [
  1767225600000,
  0,
  -0,
  null,
  -1,
  1.5,
  2 ** 53 - 1,
  2 ** 53,
  1e21,
  '1767225600000',
  MISSING,
];
const wrappers: Choice[] = ['null', 'array', 'string', 'extra'];

function pick<T>(random: () => number, options: readonly T[]): T {
  return options[Math.floor(random() * options.length)] as T;
}

function objectOf(entries: [string, Choice][]): Record<string, unknown> {
  return Object.fromEntries(entries.filter(([, v]) => v !== MISSING));
}

/** Mostly valid, each field now and then replaced by an odd or wrong value. */
function sampleV1(random: () => number): unknown {
  const often = <T>(good: T, all: readonly Choice[]): Choice => (random() < 0.85 ? good : pick(random, all));
  const wrap = (inner: Record<string, unknown>): unknown => {
    const how = random() < 0.85 ? 'object' : pick(random, wrappers);
    if (how === 'null') return null;
    if (how === 'array') return [inner];
    if (how === 'string') return JSON.stringify(inner);
    if (how === 'extra') return { ...inner, unknownKey: 'dropped by zod' };
    return inner;
  };
  return objectOf([
    ['v', often(1, [1, 2, '1', null, MISSING])],
    ['type', often('chat', ['chat', 'join', null, MISSING])],
    [
      'channel',
      random() < 0.9
        ? wrap(
            objectOf([
              ['id', often('190835892', ids)],
              ['login', often('lck_korea', [null, ...logins])],
            ]),
          )
        : pick(random, [null, 'x', MISSING]),
    ],
    [
      'user',
      random() < 0.9
        ? wrap(
            objectOf([
              ['id', often('12345', ids)],
              ['login', often('some_viewer', logins)],
              ['displayName', often('Some_Viewer', texts)],
            ]),
          )
        : pick(random, [null, 'x', MISSING]),
    ],
    [
      'roles',
      random() < 0.9
        ? wrap(
            objectOf(
              ['broadcaster', 'moderator', 'vip', 'subscriber'].map((r) => [r, often(random() < 0.5, flags)]),
            ),
          )
        : pick(random, [null, [], MISSING]),
    ],
    ['messageId', often('b34ccfc7-4977-403a-8a94-33c6bac34fb8', texts)],
    ['sentAt', often(1767225600000, times)],
    ['firstMessage', random() < 0.3 ? pick(random, flags) : MISSING],
    [
      'raid',
      random() < 0.05
        ? pick(random, [{ viewers: 12 }, { viewers: -1 }, { viewers: 1.5 }, null, 'x'])
        : MISSING,
    ],
    ...(random() < 0.1 ? ([['extra', { nested: true }]] as [string, Choice][]) : []),
  ]);
}

function sampleSeed(random: () => number): unknown {
  return objectOf([
    ['user_id', random() < 0.7 ? '190835892' : pick(random, ids)],
    ['chatter_login', random() < 0.7 ? 'some_viewer' : pick(random, logins)],
    ...(random() < 0.1 ? ([['extra', 1]] as [string, Choice][]) : []),
  ]);
}

describe('chat event fast path', () => {
  it('decodes 10,000 generated messages exactly as the zod schemas alone do', () => {
    const random = seededRandom(2026);
    let accepted = 0;
    let fast = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const json = i % 4 === 0 ? sampleSeed(random) : sampleV1(random);
      const expected = chatEventFromJson(json, false);
      expect(chatEventFromJson(json, true), JSON.stringify(json)).toEqual(expected);
      if (expected.ok) accepted += 1;
      if (typeof json === 'object' && json !== null && 'v' in json && plainChatEvent(json) !== undefined)
        fast += 1;
    }
    // Both kinds of answer are well represented, and the fast path really answers many version-1 events.
    expect(accepted).toBeGreaterThan(2_000);
    expect(10_000 - accepted).toBeGreaterThan(2_000);
    expect(fast).toBeGreaterThan(700);
  });

  it('agrees on messages that only JSON can express', () => {
    const event = (sentAt: string) =>
      `{"v":1,"type":"chat","channel":{"id":"1","login":null},"user":{"id":null,"login":"ann","displayName":null},"roles":{"broadcaster":false,"moderator":false,"vip":false,"subscriber":false},"messageId":null,"sentAt":${sentAt}}`;
    for (const text of [
      event('1e400'),
      event('-0'),
      event('1767225600000.0'),
      event('1.0e3'),
      '{"user_id":"1","chatter_login":"ann","__proto__":{"v":1}}',
      '{"v":1,"__proto__":{"type":"chat"}}',
      '[]',
      '"text"',
      '12',
      'null',
    ]) {
      expect(decodeChatEvent(text), text).toEqual(chatEventFromJson(JSON.parse(text) as unknown, false));
    }
  });
});
