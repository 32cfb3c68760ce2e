/**
 * The live listener as the product runs it: a `ChatListener` (Twitch chat) feeding an `EventForwarder` (event
 * bus), built from configuration. `twitchgraph listen` runs one; so can any process that wants live chat
 * (e.g. `start`), with `listener.join()`, `part()` and `channels()` for run-time changes.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logging.js';
import type { ListenerMetrics } from '../../observability/metrics.js';
import { listenerMetrics } from '../../observability/metrics.js';
import type { EventBus } from '../bus/event-bus.port.js';
import type { ListenerStats } from './chat-listener.js';
import { ChatListener } from './chat-listener.js';
import type { ForwarderStats } from './event-forwarder.js';
import { EventForwarder } from './event-forwarder.js';
import type { ChatIdentity } from './tmi-connection.js';
import { anonymousIdentity, ircEndpoint } from './tmi-connection.js';
import type { ChannelShard } from './channel-shard.js';
import { inShard } from './channel-shard.js';

/** OAuth when TWITCH_USERNAME and TWITCH_OAUTH_TOKEN are set (config checks they come together), else anonymous. */
export function chatIdentity(config: Config): ChatIdentity {
  const { username, oauthToken } = config.twitch;
  if (username !== undefined && oauthToken !== undefined)
    return { username: username.toLowerCase(), token: oauthToken };
  return anonymousIdentity();
}

export interface LiveListenerDeps {
  bus: EventBus;
  logger: Logger;
  /** The monitored channel set (`/monitor`), read every TWITCH_MONITOR_POLL_MS; omitted: none. */
  readMonitored?: () => Promise<readonly string[]>;
  /** Channels joined besides TWITCH_CHANNELS. */
  extraChannels?: readonly string[];
  metrics?: ListenerMetrics;
  /** The bus cannot be used at all (closed, misconfigured). */
  onBusFailure?: (error: unknown) => void;
}

export interface LiveListener {
  listener: ChatListener;
  forwarder: EventForwarder;
  /** Stop listening, publish what is buffered (at most `graceMs`), and report. */
  close(graceMs?: number): Promise<{ listener: ListenerStats; forwarder: ForwarderStats }>;
}

/** TWITCH_CHANNELS are always joined; the shared /monitor set is split between the shards. */
function shardedReader(
  read: () => Promise<readonly string[]>,
  shard: ChannelShard,
): () => Promise<readonly string[]> {
  if (shard.count <= 1) return read;
  return async () => (await read()).filter((login) => inShard(login, shard));
}

export async function startLiveListener(config: Config, deps: LiveListenerDeps): Promise<LiveListener> {
  const metrics = deps.metrics ?? listenerMetrics();
  const forwarder = new EventForwarder(
    deps.bus,
    {
      topic: config.kafka.topic,
      topics: [{ name: config.kafka.topic, partitions: config.kafka.partitions }],
      capacity: config.twitch.bufferEvents,
    },
    {
      logger: deps.logger,
      metrics,
      ...(deps.onBusFailure === undefined ? {} : { onFatal: deps.onBusFailure }),
    },
  );
  forwarder.start();
  const listener = new ChatListener(
    {
      endpoint: ircEndpoint(config.twitch.ircUrl),
      identity: chatIdentity(config),
      channels: [...config.twitch.channels, ...(deps.extraChannels ?? [])],
      join: { limit: config.twitch.joinLimit, windowMs: config.twitch.joinWindowMs },
      ...(deps.readMonitored === undefined
        ? {}
        : {
            monitored: {
              read: shardedReader(deps.readMonitored, config.twitch.shard),
              pollMs: config.twitch.monitorPollMs,
            },
          }),
    },
    { sink: forwarder, logger: deps.logger, metrics },
  );
  try {
    await listener.start();
  } catch (error) {
    await listener.stop();
    await forwarder.close(0);
    throw error;
  }
  return {
    listener,
    forwarder,
    async close(graceMs = 10_000) {
      await listener.stop();
      const forwarded = await forwarder.close(graceMs);
      return { listener: { ...listener.stats }, forwarder: forwarded };
    },
  };
}
