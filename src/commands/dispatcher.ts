/**
 * Run an invocation against the registry: find the command, validate its arguments with its schema,
 * run it, and turn every failure into a short error Reply. Front ends add their own steps (permissions,
 * cooldowns, deferring) around this.
 */
import { GraphStoreError } from '../graph/graph-store.port.js';
import type { Reply } from '../reply/reply.js';
import { errorReply } from '../reply/reply.js';
import { isRetryable } from '../util/twitchgraph-error.js';
import type { CommandPorts, Invocation } from './command.js';
import type { AnyCommand } from './registry.js';
import { usageLines } from './usage.js';

/** Store states the person asking can act on (a read-only store, a full disk): said as they are. */
const STORE_STATES_TO_TELL = new Set(['STORE_READ_ONLY', 'JOURNAL_WRITE_FAILED', 'SNAPSHOT_WRITE_FAILED']);

export type DispatchOutcome = 'ok' | 'unknown-command' | 'bad-arguments' | 'failed';

export interface DispatchResult {
  outcome: DispatchOutcome;
  reply: Reply;
  elapsedMs: number;
  /** The thrown error when outcome is `failed`, for logs. */
  error?: unknown;
}

/** Where a dispatch's duration goes: the process's Prometheus histogram unless the front end says otherwise. */
export type RecordDuration = (command: string, outcome: DispatchOutcome, seconds: number) => void;

/**
 * The histogram /metrics serves (observability/metrics.ts). Its module, and prom-client with it, is loaded on
 * the first answer rather than with this one: a one-shot `twitchgraph ask` has no /metrics and passes
 * `skipDuration` (docs/ARCHITECTURE.md, "A cold `ask`").
 */
export const recordDurationMetric: RecordDuration = (command, outcome, seconds) => {
  void import('../observability/metrics.js').then(({ commandMetrics }) =>
    commandMetrics().duration.observe({ command, outcome }, seconds),
  );
};

export const skipDuration: RecordDuration = () => undefined;

export async function dispatch(
  invocation: Invocation,
  registry: ReadonlyMap<string, AnyCommand>,
  ports: CommandPorts,
  recordDuration: RecordDuration = recordDurationMetric,
): Promise<DispatchResult> {
  const started = performance.now();
  const done = (outcome: DispatchOutcome, reply: Reply, error?: unknown): DispatchResult => {
    const elapsedMs = performance.now() - started;
    // Unknown names are not labels: anyone can type them, and each label value is a time series.
    const command = registry.has(invocation.command) ? invocation.command : '(unknown)';
    recordDuration(command, outcome, elapsedMs / 1000);
    return { outcome, reply, elapsedMs, ...(error === undefined ? {} : { error }) };
  };
  const command = registry.get(invocation.command);
  if (command === undefined) {
    return done(
      'unknown-command',
      errorReply('Unknown command', `There is no /${invocation.command}.`, [
        `Commands: ${[...registry.keys()].map((n) => `/${n}`).join(' ')}`,
      ]),
    );
  }
  const raw =
    invocation.subcommand === undefined
      ? { ...invocation.options }
      : { subcommand: invocation.subcommand, ...invocation.options };
  const parsed = command.args.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    return done(
      'bad-arguments',
      errorReply(
        `Cannot run /${invocation.command}`,
        problems.join('\n'),
        usageLines(command.definition).map((u) => `Usage: ${u}`),
      ),
    );
  }
  try {
    const commands = [...registry.values()].map((c) => c.definition);
    const reply = await command.run(parsed.data, { ...ports, commands });
    return done('ok', reply);
  } catch (error) {
    const retry = isRetryable(error);
    return done(
      'failed',
      errorReply(
        `/${invocation.command} failed`,
        error instanceof GraphStoreError && STORE_STATES_TO_TELL.has(error.code)
          ? error.message
          : retry
            ? 'The graph database did not answer in time. Please try again in a moment.'
            : 'Something went wrong while answering. It has been logged.',
      ),
      error,
    );
  }
}
