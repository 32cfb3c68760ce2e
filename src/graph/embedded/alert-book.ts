/**
 * The embedded store's live-alert bookkeeping (`/alerts` rules and the alerts posted): a small JSON file
 * `<dataDir>/alerts.json` beside the graph snapshot, replaced whole and durably on every change
 * (`util/durable-file.ts`). It is apart from the snapshot and journal because it changes a few times an
 * hour at most and is never part of the graph model; keeping it out of them keeps the graph's write path
 * as it is. A read-only store (`ask` beside a running `start`) reads the file again on each question, so
 * `/alerts recent` shows what the writer stored since.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileDurably } from '../../util/durable-file.js';
import type { AlertRecord, AlertRule } from '../graph-store.port.js';
import { ALERT_KINDS, ALERT_SENSITIVITIES, GraphStoreError } from '../graph-store.port.js';
import { compareNames } from '../graph-order.js';

export const ALERTS_FILE = 'alerts.json';

/** Alerts kept: the newest by update time. `/alerts recent` shows far fewer; older ones are history only. */
export const ALERTS_KEPT = 500;

const ruleSchema = z.object({
  channel: z.string(),
  discordChannel: z.string(),
  sensitivity: z.enum(ALERT_SENSITIVITIES),
  requestedBy: z.string(),
  since: z.number().int(),
});

const recordSchema = z.object({
  id: z.string(),
  channel: z.string(),
  kind: z.enum(ALERT_KINDS),
  version: z.number().int(),
  openedAt: z.number().int(),
  updatedAt: z.number().int(),
  title: z.string(),
  accounts: z.number().int(),
  discordChannel: z.string().nullable(),
  discordMessageId: z.string().nullable(),
});

const fileSchema = z.object({ v: z.literal(1), rules: z.array(ruleSchema), alerts: z.array(recordSchema) });

interface Book {
  rules: Map<string, AlertRule>;
  alerts: Map<string, AlertRecord>;
}

const empty = (): Book => ({ rules: new Map(), alerts: new Map() });

export const byRecency = (a: AlertRecord, b: AlertRecord): number =>
  b.updatedAt - a.updatedAt || compareNames(a.id, b.id);

export class AlertBook {
  private book: Book | undefined;
  /** Writes one at a time: each replaces the whole file. */
  private writing: Promise<void> = Promise.resolve();

  /** `dir` '' keeps everything in memory (`EmbeddedGraphStore.inMemory`). */
  constructor(
    private readonly dir: string,
    private readonly readOnly: boolean,
  ) {}

  private get file(): string {
    return join(this.dir, ALERTS_FILE);
  }

  private async load(): Promise<Book> {
    if (this.book !== undefined && !this.readOnly) return this.book;
    if (this.dir === '') return (this.book ??= empty());
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return (this.book = empty());
      throw new GraphStoreError(`Could not read ${this.file}: ${String(error)}`, 'ALERTS_READ_FAILED', true, {
        cause: error,
      });
    }
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new GraphStoreError(
        `${this.file} is not an alerts file (${parsed.error.issues[0]?.message ?? 'invalid'}); move it away to start afresh`,
        'ALERTS_FILE_INVALID',
        false,
      );
    }
    return (this.book = {
      rules: new Map(parsed.data.rules.map((r) => [r.channel, r])),
      alerts: new Map(parsed.data.alerts.map((a) => [a.id, a])),
    });
  }

  private async change<T>(apply: (book: Book) => { result: T; changed: boolean }): Promise<T> {
    if (this.readOnly) {
      throw new GraphStoreError(
        'The embedded store was opened read-only here, so alert settings cannot change; use the playground or bot of `twitchgraph start`.',
        'STORE_READ_ONLY',
        false,
      );
    }
    const run = this.writing.then(async () => {
      const book = await this.load();
      const { result, changed } = apply(book);
      if (changed && this.dir !== '') {
        const alerts = [...book.alerts.values()].sort(byRecency).slice(0, ALERTS_KEPT);
        book.alerts = new Map(alerts.map((a) => [a.id, a]));
        const text = JSON.stringify({ v: 1, rules: [...book.rules.values()], alerts });
        try {
          await writeFileDurably(this.file, text);
        } catch (error) {
          // Memory would be ahead of the disk: forget it, so the next read is what the file holds.
          this.book = undefined;
          throw new GraphStoreError((error as Error).message, 'ALERTS_WRITE_FAILED', false, { cause: error });
        }
      }
      return result;
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  async rules(): Promise<AlertRule[]> {
    const book = await this.load();
    return [...book.rules.values()].sort((a, b) => compareNames(a.channel, b.channel));
  }

  async setRule(rule: AlertRule): Promise<boolean> {
    return this.change((book) => {
      const old = book.rules.get(rule.channel);
      const same =
        old !== undefined &&
        old.discordChannel === rule.discordChannel &&
        old.sensitivity === rule.sensitivity;
      if (!same) book.rules.set(rule.channel, { ...rule });
      return { result: !same, changed: !same };
    });
  }

  async removeRule(channel: string): Promise<boolean> {
    return this.change((book) => {
      const had = book.rules.delete(channel);
      return { result: had, changed: had };
    });
  }

  async save(record: AlertRecord): Promise<boolean> {
    return this.change((book) => {
      const old = book.alerts.get(record.id);
      const newer = old === undefined || record.version > old.version;
      if (newer) book.alerts.set(record.id, { ...record });
      return { result: newer, changed: newer };
    });
  }

  async record(id: string): Promise<AlertRecord | null> {
    const found = (await this.load()).alerts.get(id);
    return found === undefined ? null : { ...found };
  }

  async recent(limit: number): Promise<AlertRecord[]> {
    const book = await this.load();
    return [...book.alerts.values()]
      .sort(byRecency)
      .slice(0, Math.max(0, limit))
      .map((a) => ({ ...a }));
  }
}
