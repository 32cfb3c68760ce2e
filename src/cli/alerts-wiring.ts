/**
 * Wiring of the live alerts (docs/ARCHITECTURE.md, "Live alerts") for the processes that run them: the
 * detector beside an ingest worker (`start`, `ingest`), and the alerts consumer beside a front end
 * (`start`, `bot`), which posts through Discord when a bot token is configured.
 */
import type { Config } from '../config.js';
import type { AlertEvent } from '../domain/alert-event.js';
import { encodeAlertEvent } from '../domain/alert-event.js';
import type { GraphStore } from '../graph/graph-store.port.js';
import { HelixAccountAges } from '../ingest/alerts/account-ages.js';
import type { AlertPoster } from '../ingest/alerts/alert-consumer.js';
import { AlertConsumer } from '../ingest/alerts/alert-consumer.js';
import { AlertDetector } from '../ingest/alerts/alert-detector.js';
import type { EventBus } from '../ingest/bus/event-bus.port.js';
import { HelixClient } from '../ingest/collect/helix-client.js';
import type { Logger } from '../logging.js';

export interface AlertsWiringDeps {
  config: Config;
  graph: GraphStore;
  bus: EventBus;
  logger: Logger;
}

/** The detector, publishing to the alerts topic; give it to the ingest worker as its `observer`. */
export async function createAlertDetector(deps: AlertsWiringDeps): Promise<AlertDetector> {
  const { config, bus, graph, logger } = deps;
  const { topic } = config.alerts;
  await bus.ensureTopics([{ name: topic, partitions: config.kafka.partitions }]);
  const publisher = await bus.publisher();
  const { clientId, clientSecret } = config.twitch;
  const ages =
    clientId !== undefined && clientSecret !== undefined
      ? new HelixAccountAges(
          new HelixClient({
            clientId,
            clientSecret,
            helixUrl: config.twitch.helixUrl,
            authUrl: config.twitch.authUrl,
            maxAttempts: 3,
          }),
        )
      : undefined;
  if (ages === undefined)
    logger.info(
      'alerts: no Helix credentials (TWITCH_CLIENT_ID/SECRET): bot waves are judged on graph novelty alone',
    );
  return new AlertDetector(
    {
      graph,
      logger,
      ...(ages === undefined ? {} : { ages }),
      publish: (alert: AlertEvent) =>
        publisher.publish(topic, [{ key: alert.id, value: encodeAlertEvent(alert) }]),
    },
    config.alerts,
  );
}

export interface RunningAlertConsumer {
  consumer: AlertConsumer;
  stop(): Promise<void>;
}

/** Records alerts and, given a poster (discord/alert-poster.ts `alertPosterFor`), posts them. */
export function startAlertConsumer(
  deps: AlertsWiringDeps & { poster?: AlertPoster; onAlert?: (alert: AlertEvent) => void },
): RunningAlertConsumer {
  const { config, bus, graph, logger } = deps;
  const consumer = new AlertConsumer(
    {
      bus,
      graph,
      logger,
      ...(deps.poster === undefined ? {} : { poster: deps.poster }),
      ...(deps.onAlert === undefined ? {} : { onAlert: deps.onAlert }),
    },
    { topic: config.alerts.topic, group: config.alerts.groupId, partitions: config.kafka.partitions },
  );
  const running = consumer.run().catch((error: unknown) => {
    logger.error({ err: error }, 'alerts: the alerts consumer stopped');
  });
  return {
    consumer,
    async stop() {
      consumer.stop();
      await running;
    },
  };
}
