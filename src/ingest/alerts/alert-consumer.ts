/**
 * The alerts topic's consumer: records every alert in the graph (`/alerts recent`) and has it posted to the
 * Discord channel of its channel's `/alerts` rule, once (docs/ARCHITECTURE.md, "Live alerts").
 *
 * Once, with several bot replicas:
 * - the replicas share one consumer group (`ALERTS_GROUP_ID`), so each partition, and with the alert id as
 *   the key each alert's versions in order, belongs to one replica at a time;
 * - where the group stands is stored in the graph (an offset write, as the ingest worker does), so a
 *   replica that takes a partition over resumes where the last one stopped, not at Kafka's last commit;
 * - each alert's record (`saveAlert`: id, version, Discord message id) is read before acting: a version
 *   already handled is skipped, and a later version edits the message the first one posted;
 * - between a post and its record a crash can happen: the post carries a nonce made from the alert id with
 *   `enforce_nonce`, so Discord answers the retried post with the message it already created.
 * The poster is injected (discord/alert-poster.ts) so this folder does not import discord.js.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlertEvent, AlertPoster } from '../../domain/alert-event.js';
import { decodeAlertEvent } from '../../domain/alert-event.js';
import type { AlertRule, GraphStore } from '../../graph/graph-store.port.js';
import type { Logger } from '../../logging.js';
import { isRetryable } from '../../util/twitchgraph-error.js';
import type { BusMessage, EventBus, EventSubscription } from '../bus/event-bus.port.js';

export type { AlertPoster };

export interface AlertConsumerOptions {
  topic: string;
  group: string;
  partitions: number;
  batchSize?: number;
  batchMaxWaitMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
}

export interface AlertConsumerDeps {
  bus: EventBus;
  graph: GraphStore;
  logger: Logger;
  /** Absent: alerts are recorded only (no Discord bot in this process). */
  poster?: AlertPoster;
  /** Each alert version handled here (the playground's live panel). */
  onAlert?: (alert: AlertEvent, posted: { discordMessageId: string | null }) => void;
}

export interface AlertConsumerStats {
  handled: number;
  posted: number;
  edited: number;
  skipped: number;
  invalid: number;
  failed: number;
}

export class AlertConsumer {
  readonly stats: AlertConsumerStats = {
    handled: 0,
    posted: 0,
    edited: 0,
    skipped: 0,
    invalid: 0,
    failed: 0,
  };
  private subscription: EventSubscription | undefined;
  private stopping = false;
  private readonly positions = new Map<number, bigint>();

  constructor(
    private readonly deps: AlertConsumerDeps,
    private readonly options: AlertConsumerOptions,
  ) {}

  async run(): Promise<void> {
    const { bus, graph } = this.deps;
    const { topic, group, partitions } = this.options;
    await bus.ensureTopics([{ name: topic, partitions }]);
    this.subscription = await bus.subscribe({
      group,
      topic,
      onAssigned: async (assigned) => {
        const stored = await graph.readOffsets(group, topic);
        const resume = new Map<number, string | null>();
        for (const { partition } of assigned) {
          const offset = stored.find((o) => o.partition === partition)?.offset ?? null;
          resume.set(partition, offset);
          if (offset !== null) this.positions.set(partition, BigInt(offset));
        }
        return resume;
      },
    });
    if (this.stopping) this.subscription.stop();
    const subscription = this.subscription;
    for (;;) {
      const batch = await subscription.nextBatch({
        maxMessages: this.options.batchSize ?? 50,
        maxWaitMs: this.options.batchMaxWaitMs ?? 20,
      });
      if (batch === null) break;
      if (batch.length === 0) continue;
      await this.process(batch, subscription);
    }
    await subscription.close();
  }

  stop(): void {
    this.stopping = true;
    this.subscription?.stop();
  }

  private async process(batch: readonly BusMessage[], subscription: EventSubscription): Promise<void> {
    const rules = new Map((await this.deps.graph.alertRules()).map((r) => [r.channel, r]));
    const next = new Map<number, string>();
    const first = new Map<number, string>();
    for (const message of batch) {
      if (!first.has(message.partition)) first.set(message.partition, message.offset);
      const position = this.positions.get(message.partition);
      if (position === undefined || BigInt(message.offset) >= position) {
        await this.handle(message, rules);
      }
      next.set(message.partition, (BigInt(message.offset) + 1n).toString());
    }
    const { group, topic } = this.options;
    const offsets = [...next].map(([partition, offset]) => ({
      group,
      topic,
      partition,
      from: first.get(partition) ?? offset,
      offset,
    }));
    try {
      await this.deps.graph.applyChatActivity([], offsets);
    } catch (error) {
      // The records already say what was handled; a lost position costs a redelivery that they skip.
      this.deps.logger.warn({ err: error }, 'alerts: storing the alerts position failed');
    }
    for (const [partition, offset] of next) this.positions.set(partition, BigInt(offset));
    await subscription
      .acknowledge([...next].map(([partition, offset]) => ({ topic, partition, offset })))
      .catch(() => undefined);
  }

  private async handle(message: BusMessage, rules: ReadonlyMap<string, AlertRule>): Promise<void> {
    const decoded = decodeAlertEvent(message.value);
    if (!decoded.ok) {
      this.stats.invalid += 1;
      this.deps.logger.warn(
        { offset: message.offset, reason: decoded.reason },
        'alerts: invalid alert event skipped',
      );
      return;
    }
    const { alert } = decoded;
    const { graph, poster, logger } = this.deps;
    const record = await graph.alertRecord(alert.id);
    if (record !== null && record.version >= alert.version) {
      this.stats.skipped += 1;
      return;
    }
    const rule = rules.get(alert.channel.login);
    const discordChannel = rule?.discordChannel ?? record?.discordChannel ?? null;
    let discordMessageId = record?.discordMessageId ?? null;
    if (poster !== undefined && discordChannel !== null) {
      const editing = discordMessageId !== null;
      try {
        discordMessageId = await this.withRetry(() => poster.post(alert, discordChannel, discordMessageId));
        if (editing) this.stats.edited += 1;
        else this.stats.posted += 1;
      } catch (error) {
        this.stats.failed += 1;
        logger.error(
          { err: error, alert: alert.id, discordChannel },
          `alerts: could not post to Discord channel ${discordChannel}; the alert is recorded without a message`,
        );
      }
    }
    const saving = graph.saveAlert({
      id: alert.id,
      channel: alert.channel.login,
      kind: alert.kind,
      version: alert.version,
      openedAt: alert.openedAt,
      updatedAt: alert.updatedAt,
      title: alert.title,
      accounts: alert.accountCount,
      discordChannel,
      discordMessageId,
    });
    try {
      await saving;
    } catch (error) {
      // Posted but not recorded: the next version posts again only if Discord forgot the nonce.
      logger.error({ err: error, alert: alert.id }, 'alerts: recording the alert in the graph failed');
    }
    this.stats.handled += 1;
    this.deps.onAlert?.(alert, { discordMessageId });
  }

  private async withRetry<T>(attempt: () => Promise<T>): Promise<T> {
    let wait = this.options.retryInitialMs ?? 500;
    for (let tries = 1; ; tries += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryable(error) || tries >= 5 || this.stopping) throw error;
        await sleep(wait);
        wait = Math.min(wait * 2, this.options.retryMaxMs ?? 10_000);
      }
    }
  }
}
