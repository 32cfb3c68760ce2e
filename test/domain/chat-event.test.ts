import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat-event.js';
import {
  DECODE_FAILURE,
  MAX_EVENT_BYTES,
  chatEventKey,
  decodeChatEvent,
  encodeChatEvent,
  encodeChatEventBytes,
} from '../../src/domain/chat-event.js';
import { chatEvent } from '../support/chat-events.js';

describe('chat event codec', () => {
  it('round-trips a version-1 event', () => {
    const event = chatEvent('42', 'ann', { channel: { id: '42', login: 'alpha' }, roles: { vip: true } });
    expect(decodeChatEvent(Buffer.from(encodeChatEvent(event)))).toEqual({ ok: true, event });
  });

  it("reads the seed's minimal message as a chat event of the broadcaster's channel, without time", () => {
    const decoded = decodeChatEvent('{"user_id":"190835892","chatter_login":"Ann"}');
    expect(decoded.ok && decoded.event).toMatchObject({
      channel: { id: '190835892', login: null },
      user: { login: 'ann' },
      sentAt: null,
    });
  });

  it('says why a message is not an event, with a code', () => {
    const code = (raw: string | Buffer | null) => {
      const d = decodeChatEvent(raw);
      return d.ok ? 'ok' : d.code;
    };
    expect(code(null)).toBe(DECODE_FAILURE.empty);
    expect(code('{nope')).toBe(DECODE_FAILURE.notJson);
    expect(code('{"user_id": 1, "chatter_login": "a"}')).toBe(DECODE_FAILURE.invalid);
    expect(code('{"v": 2, "type": "chat"}')).toBe(DECODE_FAILURE.invalid);
    expect(code('[]')).toBe(DECODE_FAILURE.invalid);
    expect(code(Buffer.alloc(MAX_EVENT_BYTES + 1, 0x20))).toBe(DECODE_FAILURE.tooLarge);
  });

  it('keys events by channel login, or by channel id while the login is unknown', () => {
    expect(chatEventKey(chatEvent('42', 'ann', { channel: { id: '42', login: 'alpha' } }))).toBe('alpha');
    expect(chatEventKey(chatEvent('42', 'ann'))).toBe('42');
  });
});

describe('events encoded in this process', () => {
  const events: ChatEvent[] = [
    chatEvent('190835892', 'some_viewer'),
    chatEvent(' 42 ', 'Some_Viewer ', {
      channel: { id: '42', login: 'LCK_Korea' },
      user: { id: '7', login: ' Mixed_Case ', displayName: 'Ünïcödé 🙂' },
      roles: { vip: true, subscriber: true },
      messageId: 'b34ccfc7-4977-403a-8a94-33c6bac34fb8',
    }),
    chatEvent('1', 'ann', { sentAt: -0 }),
    chatEvent('1', 'ann', { sentAt: null, messageId: 'quote " and backslash \\ and \u2028' }),
  ];

  it('decode from their own Buffer to what decoding a copy of the bytes gives', () => {
    for (const event of events) {
      const bytes = encodeChatEventBytes(event);
      const remembered = decodeChatEvent(bytes);
      const parsed = decodeChatEvent(Buffer.from(bytes));
      expect(remembered).toEqual(parsed);
      expect(parsed.ok).toBe(true);
      expect(bytes.toString('utf8')).toBe(encodeChatEvent(event));
      // The second decode of the same Buffer is the remembered event; a copy of the bytes is parsed anew.
      if (remembered.ok && parsed.ok) {
        expect((decodeChatEvent(bytes) as typeof remembered).event).toBe(remembered.event);
        expect((decodeChatEvent(Buffer.from(bytes)) as typeof parsed).event).not.toBe(parsed.event);
      }
    }
  });

  it('refuses to encode an invalid event', () => {
    expect(() => encodeChatEventBytes(chatEvent('x', 'ann'))).toThrow();
  });
});
