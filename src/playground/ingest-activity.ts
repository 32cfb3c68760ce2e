/**
 * What the playground's live panel shows about ingestion: events per second and the newest chatters and
 * channels. The ingest worker feeds an `InMemoryIngestActivity` with one summary per applied batch; the
 * playground subscribes and pushes snapshots to the page as server-sent events.
 */

/** One applied batch, as the ingest worker reports it. */
export interface IngestBatchSummary {
  /** When the batch was applied, epoch milliseconds (default: now). */
  at?: number;
  /** Chat events in the batch. */
  events: number;
  /** Chatter logins seen in the batch, oldest first. */
  chatters: readonly string[];
  /** Channel logins the batch's events came from, oldest first. */
  channels: readonly string[];
}

/** A live alert as the panel lists it (docs/alerts.md); the same id again is an update. */
export interface LiveAlertSummary {
  id: string;
  kind: 'raid' | 'bot-wave';
  channel: string;
  title: string;
  version: number;
  /** Epoch milliseconds. */
  updatedAt: number;
}

export interface IngestActivitySnapshot {
  /** Events per second over the last `windowMs`. */
  eventsPerSecond: number;
  totalEvents: number;
  batches: number;
  /** Epoch milliseconds of the last batch; null before the first. */
  lastBatchAt: number | null;
  /** Distinct, newest first. */
  newestChatters: string[];
  newestChannels: string[];
  /** The latest alerts, newest first (at most 5), each in its latest version. */
  alerts: LiveAlertSummary[];
}

export interface IngestActivitySource {
  snapshot(): IngestActivitySnapshot;
  /** Called with a fresh snapshot after every batch; returns a function that unsubscribes. */
  subscribe(listener: (snapshot: IngestActivitySnapshot) => void): () => void;
}

export interface InMemoryIngestActivityOptions {
  /** Span events per second is averaged over (default 10 s). */
  windowMs?: number;
  /** How many chatters and channels the snapshot names (default 15 and 10). */
  chatters?: number;
  channels?: number;
  now?: () => number;
}

/** Newest-first list of distinct names, at most `max` long. */
function remember(list: string[], names: readonly string[], max: number): string[] {
  const next = [...list];
  for (const name of names) {
    const at = next.indexOf(name);
    if (at >= 0) next.splice(at, 1);
    next.unshift(name);
  }
  return next.slice(0, max);
}

export class InMemoryIngestActivity implements IngestActivitySource {
  private readonly listeners = new Set<(snapshot: IngestActivitySnapshot) => void>();
  private readonly recent: { at: number; events: number }[] = [];
  private totalEvents = 0;
  private batches = 0;
  private lastBatchAt: number | null = null;
  private chatters: string[] = [];
  private channels: string[] = [];
  private alerts: LiveAlertSummary[] = [];
  private readonly now: () => number;
  private readonly windowMs: number;

  constructor(private readonly options: InMemoryIngestActivityOptions = {}) {
    this.now = options.now ?? Date.now;
    this.windowMs = options.windowMs ?? 10_000;
  }

  record(batch: IngestBatchSummary): void {
    const at = batch.at ?? this.now();
    this.recent.push({ at, events: batch.events });
    this.totalEvents += batch.events;
    this.batches += 1;
    this.lastBatchAt = at;
    // Only the tail of a large batch can be among the newest; keep the work per batch small.
    this.chatters = remember(this.chatters, batch.chatters.slice(-100), this.options.chatters ?? 15);
    this.channels = remember(this.channels, batch.channels.slice(-100), this.options.channels ?? 10);
    this.notify();
  }

  /** An alert or a newer version of one (the alerts consumer's `onAlert`). */
  recordAlert(alert: LiveAlertSummary): void {
    const old = this.alerts.find((a) => a.id === alert.id);
    if (old !== undefined && old.version >= alert.version) return;
    this.alerts = [{ ...alert }, ...this.alerts.filter((a) => a.id !== alert.id)].slice(0, 5);
    this.notify();
  }

  private notify(): void {
    const snapshot = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(snapshot);
      } catch {
        // A failing listener (a page that went away) must not stop ingestion.
      }
    }
  }

  snapshot(): IngestActivitySnapshot {
    const now = this.now();
    while (this.recent.length > 0 && (this.recent[0]?.at ?? now) <= now - this.windowMs) this.recent.shift();
    const events = this.recent.reduce((sum, b) => sum + b.events, 0);
    return {
      eventsPerSecond: Math.round((events / (this.windowMs / 1000)) * 10) / 10,
      totalEvents: this.totalEvents,
      batches: this.batches,
      lastBatchAt: this.lastBatchAt,
      newestChatters: [...this.chatters],
      newestChannels: [...this.channels],
      alerts: this.alerts.map((a) => ({ ...a })),
    };
  }

  subscribe(listener: (snapshot: IngestActivitySnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
