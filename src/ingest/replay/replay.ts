/**
 * The replay ChatSource: a chatters file published as chat events, one per line, at a chosen pace. Each
 * line becomes a version-1 chat event (channel id known, login not; `sentAt` = when it was published),
 * keyed by channel so one channel's events stay in order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatEvent } from '../../domain/chat-event.js';
import { CHAT_EVENT_VERSION, NO_ROLES, chatEventKey, encodeChatEventBytes } from '../../domain/chat-event.js';
import type { EventPublisher, OutgoingMessage } from '../bus/event-bus.port.js';
import type { ChattersFileFormat } from './chatters-file.js';
import { ChattersFile } from './chatters-file.js';

export interface ReplayProgress {
  published: number;
  rejected: number;
  bytesRead: number;
  size: number;
}

export interface ReplayOptions {
  file: string;
  topic: string;
  /** Time between two events in milliseconds; 0 = as fast as the bus takes them. */
  intervalMs: number;
  /** Events per publish call when there is no pause between them. */
  chunkSize?: number;
  /** Valid lines to pass over first: where an earlier, stopped replay of the same file got to. */
  skipEvents?: number;
  signal?: AbortSignal;
  onReject?: (rejection: { file: string; line: number; reason: string }) => void;
  onProgress?: (progress: ReplayProgress) => void;
}

export interface ReplaySummary {
  file: string;
  format: ChattersFileFormat | undefined;
  published: number;
  rejected: number;
  /** True when the signal stopped the replay before the end of the file. */
  stopped: boolean;
  elapsedMs: number;
}

export function replayEvent(channelId: string, login: string, sentAt: number): ChatEvent {
  return {
    v: CHAT_EVENT_VERSION,
    type: 'chat',
    channel: { id: channelId, login: null },
    user: { id: null, login, displayName: null },
    roles: NO_ROLES,
    messageId: null,
    sentAt,
  };
}

export async function replayChatters(
  publisher: EventPublisher,
  options: ReplayOptions,
): Promise<ReplaySummary> {
  const started = performance.now();
  const file = await ChattersFile.open(options.file);
  const chunkSize = options.chunkSize ?? 1_000;
  let pending: OutgoingMessage[] = [];
  let published = 0;
  let rejected = 0;
  let index = 0;
  let toSkip = options.skipEvents ?? 0;
  const progress = () =>
    options.onProgress?.({ published, rejected, bytesRead: file.bytesRead, size: file.size });
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await publisher.publish(options.topic, batch);
    published += batch.length;
    progress();
  };

  for await (const line of file.lines()) {
    if (options.signal?.aborted === true) break;
    if (!line.ok) {
      rejected += 1;
      options.onReject?.({ file: options.file, line: line.line, reason: line.reason });
      continue;
    }
    if (toSkip > 0) {
      toSkip -= 1;
      continue;
    }
    if (options.intervalMs > 0) {
      // Event i is due at start + i × interval: a schedule, so slow publishes do not add up to drift.
      const wait = started + index * options.intervalMs - performance.now();
      if (wait > 0) {
        await flush();
        try {
          await sleep(wait, undefined, options.signal === undefined ? {} : { signal: options.signal });
        } catch {
          break; // aborted while waiting
        }
      }
    }
    const event = replayEvent(line.channelId, line.login, Date.now());
    pending.push({ key: chatEventKey(event), value: encodeChatEventBytes(event) });
    index += 1;
    if (pending.length >= chunkSize) await flush();
  }
  await flush();
  return {
    file: options.file,
    format: file.format,
    published,
    rejected,
    stopped: options.signal?.aborted === true,
    elapsedMs: performance.now() - started,
  };
}
