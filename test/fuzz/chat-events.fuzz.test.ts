/**
 * Any message on the chat topic: decoding never throws, the fast path and the zod schemas agree on what is
 * an event, and whatever decodes can be aggregated and written to the graph.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat-event.js';
import { chatEventFromJson, decodeChatEvent } from '../../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { aggregateBatch } from '../../src/ingest/worker/aggregate.js';
import { FUZZ } from './fuzz-settings.js';

const login = fc.oneof(
  fc.constantFrom(
    'kim',
    'lee_1',
    'Park',
    'a'.repeat(25),
    'a'.repeat(26),
    '',
    ' kim',
    'k,im',
    'kim\u001b[2J',
    '1.00E+12',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const id = fc.oneof(
  fc.constantFrom('10', '0', '-1', '1e3', '99999999999999999999'),
  fc.string({ maxLength: 12 }),
);
const validish = fc.record({
  v: fc.oneof(fc.constant(1), fc.constantFrom(0, 2, '1', null)),
  type: fc.oneof(fc.constant('chat'), fc.string({ maxLength: 5 })),
  channel: fc.record({ id, login: fc.option(login) }),
  user: fc.record({
    id: fc.option(id),
    login,
    displayName: fc.option(fc.string({ unit: 'binary', maxLength: 120 })),
  }),
  roles: fc.record({
    broadcaster: fc.boolean(),
    moderator: fc.oneof(fc.boolean(), fc.constant('yes')),
    vip: fc.boolean(),
    subscriber: fc.boolean(),
  }),
  messageId: fc.option(fc.string({ maxLength: 120 })),
  sentAt: fc.option(fc.oneof(fc.nat(), fc.integer(), fc.double())),
});
const seedMessage = fc.record({ user_id: id, chatter_login: login });
const message = fc.oneof(
  validish.map((o) => JSON.stringify(o)),
  seedMessage.map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

describe('fuzz: chat events (issue 14)', () => {
  it(`${FUZZ.chatEvents.numRuns} bus messages (seed ${FUZZ.chatEvents.seed}): decoded or refused with a reason, never thrown`, async () => {
    const store = EmbeddedGraphStore.inMemory();
    const events: ChatEvent[] = [];
    fc.assert(
      fc.property(message, (text) => {
        const decoded = decodeChatEvent(Buffer.from(text));
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          expect(decoded.ok).toBe(false);
          return;
        }
        const reference = chatEventFromJson(json, false);
        expect(decoded.ok, text).toBe(reference.ok);
        if (decoded.ok && reference.ok) {
          expect(decoded.event).toEqual(reference.event);
          events.push(decoded.event);
        } else if (!decoded.ok) expect(decoded.reason.length).toBeGreaterThan(0);
      }),
      FUZZ.chatEvents,
    );
    // The generators reach valid events too, not only refusals.
    expect(events.length).toBeGreaterThan(FUZZ.chatEvents.numRuns / 50);
    const rows = aggregateBatch(events.map((event, i) => ({ event, at: 1_700_000_000_000 + i })));
    await store.applyChatActivity(rows, []);
    await store.close();
  }, 120_000);
});
