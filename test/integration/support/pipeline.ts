/**
 * Pieces the pipeline's integration tests share: deterministic event streams, a paced producer, waiting
 * with a deadline, the worker as a child process (`twitchgraph ingest`), and reading its store from outside.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import type { EventPublisher, OutgoingMessage } from '../../../src/ingest/bus/event-bus.port.js';
import { chatEvent, eventMessage, seedMessage, totalMessages } from '../../support/chat-events.js';
import type { CliProcess } from '../../support/spawn-cli.js';
import { spawnCli } from '../../support/spawn-cli.js';

/** Channels the generated streams use. */
export const STREAM_CHANNELS = ['9001', '9002', '9003', '9004', '9005', '9006', '9007'];

/**
 * Event `i` of a deterministic stream: seven channels, 300 chatters, every tenth a seed message (no
 * `sentAt`, so the worker times it by the Kafka timestamp).
 */
export function streamEvent(i: number): OutgoingMessage {
  const channel = STREAM_CHANNELS[i % STREAM_CHANNELS.length] as string;
  const login = `viewer${i % 300}`;
  return i % 10 === 9 ? seedMessage(channel, login) : eventMessage(chatEvent(channel, login));
}

/** Publish events [from, to) in chunks with a pause between chunks, so a test can act mid-stream. */
export async function produceSteadily(
  publisher: EventPublisher,
  topic: string,
  from: number,
  to: number,
  options: { chunk?: number; pauseMs?: number } = {},
): Promise<void> {
  const chunk = options.chunk ?? 100;
  for (let start = from; start < to; start += chunk) {
    const end = Math.min(to, start + chunk);
    await publisher.publish(
      topic,
      Array.from({ length: end - start }, (_, k) => streamEvent(start + k)),
    );
    if (options.pauseMs !== undefined && end < to) await sleep(options.pauseMs);
  }
}

/** Poll `check` until it returns true; fail with `what` and the last value seen after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
  describe: () => Promise<string> | string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${await describe()}`);
    await sleep(100);
  }
}

export interface StoreReading {
  /** Sum of CHATTER `messages` over the stream's channels. */
  messages: number;
  /** Sum of the stored next offsets over all partitions (= messages taken, for a fresh topic). */
  offsets: number;
}

/** What the embedded store in `dataDir` holds on disk (its last snapshot), read without the writer lock. */
export async function readStore(dataDir: string, group: string, topic: string): Promise<StoreReading> {
  const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
  try {
    const offsets = await store.readOffsets(group, topic);
    return {
      messages: await totalMessages(store, STREAM_CHANNELS),
      offsets: offsets.reduce((sum, o) => sum + Number(o.offset), 0),
    };
  } finally {
    await store.close();
  }
}

export type IngestProcess = CliProcess;

/** `twitchgraph ingest` as its own process (one process, no wrapper, so signals reach the worker). */
export function spawnIngest(env: Record<string, string>): IngestProcess {
  return spawnCli(['ingest'], env);
}
