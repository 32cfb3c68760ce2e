/**
 * Pick the EventBus adapter from configuration: Kafka when `KAFKA_BROKERS` is set, the in-process bus
 * otherwise. kafkajs is loaded only when Kafka is used.
 */
import type { Config } from '../../config.js';
import type { Logger } from '../../logging.js';
import type { EventBus } from './event-bus.port.js';
import { MemoryEventBus } from './memory-bus.js';

export async function openEventBus(config: Config, logger: Logger): Promise<EventBus> {
  if (config.kafka.brokers.length > 0) {
    const { KafkaEventBus } = await import('./kafka-bus.js');
    return new KafkaEventBus({
      brokers: config.kafka.brokers,
      clientId: config.kafka.clientId,
      sessionTimeoutMs: config.kafka.sessionTimeoutMs,
      logger,
    });
  }
  return new MemoryEventBus({
    capacity: config.ingest.queueCapacity,
    // Nothing in process reads dead letters: keep the latest for inspection, never block on them.
    keepLatestOnly: [config.kafka.dlqTopic],
  });
}
