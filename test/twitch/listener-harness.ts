/** Shared set-up for the listener's protocol tests: a test chat server, a listener on it, and clean-up. */
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import type { ChatEvent } from '../../src/domain/chat-event.js';
import type { ChatEventSink, ChatListenerOptions } from '../../src/ingest/twitch/chat-listener.js';
import { ChatListener } from '../../src/ingest/twitch/chat-listener.js';
import { anonymousIdentity, ircEndpoint } from '../../src/ingest/twitch/tmi-connection.js';
import type { Clock } from '../../src/util/clock.js';
import type { ListenerMetrics } from '../../src/observability/metrics.js';
import { listenerMetrics } from '../../src/observability/metrics.js';
import { testLogger } from '../integration/support/kafka.js';
import type { IrcServerOptions } from '../support/twitch-irc-server.js';
import { TwitchIrcTestServer } from '../support/twitch-irc-server.js';

export interface RunningListener {
  listener: ChatListener;
  /** Every chat event the listener passed on, in order. */
  events: ChatEvent[];
  metrics: ListenerMetrics;
  registry: Registry;
}

export interface ListenerHarness {
  server: (options?: IrcServerOptions) => Promise<TwitchIrcTestServer>;
  listener: (
    server: TwitchIrcTestServer,
    options?: Partial<ChatListenerOptions>,
    clock?: Clock,
    sink?: ChatEventSink,
  ) => Promise<RunningListener>;
}

/** Call at the top of a describe block: servers and listeners made through it are stopped after each test. */
export function useListenerHarness(): ListenerHarness {
  const servers: TwitchIrcTestServer[] = [];
  const listeners: ChatListener[] = [];
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((l) => l.stop()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return {
    async server(options) {
      const server = await TwitchIrcTestServer.start(options);
      servers.push(server);
      return server;
    },
    async listener(server, options = {}, clock, sink) {
      const events: ChatEvent[] = [];
      const registry = new Registry();
      const metrics = listenerMetrics(registry);
      const listener = new ChatListener(
        {
          endpoint: ircEndpoint(server.url),
          identity: anonymousIdentity(),
          join: { limit: 20, windowMs: 10_000 },
          reconnectInitialMs: 50,
          reconnectMaxMs: 500,
          ...options,
        },
        {
          sink: sink ?? { push: (event) => events.push(event) },
          logger: testLogger(),
          metrics,
          ...(clock === undefined ? {} : { clock }),
        },
      );
      listeners.push(listener);
      await listener.start();
      return { listener, events, metrics, registry };
    },
  };
}

/** Sliding-window maximum: the most timestamps within any half-open window [t, t + windowMs). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return match?.value ?? 0;
}
