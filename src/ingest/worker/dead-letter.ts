/**
 * Dead letters: a message that is not a valid chat event goes to the dead-letter topic as it came (same key,
 * same value bytes, its own headers kept), with why and where from in `twitchgraph-dlq-*` headers. The
 * format is documented in docs/pipeline.md.
 */
import type { DecodeFailureCode } from '../../domain/chat-event.js';
import type { BusMessage, OutgoingMessage } from '../bus/event-bus.port.js';

export const DLQ_HEADER = {
  reason: 'twitchgraph-dlq-reason',
  code: 'twitchgraph-dlq-code',
  topic: 'twitchgraph-dlq-source-topic',
  partition: 'twitchgraph-dlq-source-partition',
  offset: 'twitchgraph-dlq-source-offset',
  timestamp: 'twitchgraph-dlq-source-timestamp',
} as const;

/** Reasons are for people; a long zod report or JSON parser message is cut here. */
const MAX_REASON_CHARS = 1_000;

export function deadLetterFor(
  message: BusMessage,
  failure: { code: DecodeFailureCode; reason: string },
): OutgoingMessage {
  const reason =
    failure.reason.length > MAX_REASON_CHARS
      ? `${failure.reason.slice(0, MAX_REASON_CHARS)}…`
      : failure.reason;
  return {
    key: message.key,
    value: message.value,
    // Not the source timestamp: time-based retention would delete dead letters of old messages at once.
    // The source time travels in a header instead.
    headers: {
      ...message.headers,
      [DLQ_HEADER.reason]: reason,
      [DLQ_HEADER.code]: failure.code,
      [DLQ_HEADER.topic]: message.topic,
      [DLQ_HEADER.partition]: String(message.partition),
      [DLQ_HEADER.offset]: message.offset,
      [DLQ_HEADER.timestamp]: String(message.timestamp),
    },
  };
}

export interface DeadLetter {
  reason: string;
  code: string;
  source: { topic: string; partition: number; offset: string };
  value: Buffer | null;
}

/** Read a message of the dead-letter topic back (tools and tests); null when it lacks the headers. */
export function readDeadLetter(message: Pick<BusMessage, 'headers' | 'value'>): DeadLetter | null {
  const h = message.headers;
  const reason = h[DLQ_HEADER.reason];
  const code = h[DLQ_HEADER.code];
  const topic = h[DLQ_HEADER.topic];
  const partition = h[DLQ_HEADER.partition];
  const offset = h[DLQ_HEADER.offset];
  if (
    reason === undefined ||
    code === undefined ||
    topic === undefined ||
    partition === undefined ||
    offset === undefined
  )
    return null;
  return { reason, code, source: { topic, partition: Number(partition), offset }, value: message.value };
}
