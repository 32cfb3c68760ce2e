/**
 * Environment → typed configuration. The only module that reads `process.env`.
 *
 * Every variable is documented in `.env.example`; keep the two in step.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { BETWEENNESS_DEFAULTS } from './domain/algorithm-settings.js';
import { TwitchgraphError } from './util/twitchgraph-error.js';
import { splitUrlCredentials } from './util/secrets.js';

const emptyToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const text = (fallback: string) => z.preprocess(emptyToUndefined, z.string().trim().default(fallback));
const optionalText = () => z.preprocess(emptyToUndefined, z.string().trim().optional());
const wholeNumber = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: 'expected a whole number' })
      .int({ error: 'expected a whole number' })
      .min(min, { error: `must be at least ${min}` })
      .max(max, { error: `must be at most ${max}` })
      .default(fallback),
  );
const list = () =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      ),
  );
const url = (protocols: readonly string[], hint: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      }, `expected a URL like ${hint}`)
      .optional(),
  );

/** Raw environment schema: keys are the variable names, values their parsed form. */
const envSchema = z.object({
  // --- storage ---
  TWITCHGRAPH_DATA_DIR: text('.twitchgraph'),
  SNAPSHOT_MIN_INTERVAL_MS: wholeNumber(2_000, 0),
  GRAPH_URL: url(['bolt:', 'bolt+s:', 'bolt+ssc:', 'neo4j:', 'neo4j+s:'], 'bolt://localhost:7687'),
  GRAPH_USER: optionalText(),
  GRAPH_PASSWORD: optionalText(),
  GRAPH_BATCH_SIZE: wholeNumber(1_000, 1, 100_000),
  GRAPH_CONNECT_RETRIES: wholeNumber(10, 0, 1_000),
  GRAPH_CONNECT_BACKOFF_MS: wholeNumber(500, 1),
  TWITCHGRAPH_ASK_LOCAL: z.preprocess(emptyToUndefined, z.enum(['0', '1', 'false', 'true']).default('0')),
  // --- algorithms ---
  BETWEENNESS_EXACT_MAX_NODES: wholeNumber(BETWEENNESS_DEFAULTS.exactMaxNodes, 3),
  BETWEENNESS_SAMPLE_PIVOTS: wholeNumber(BETWEENNESS_DEFAULTS.samplePivots, 1),
  // --- event bus and ingest ---
  KAFKA_BROKERS: list(),
  KAFKA_CLIENT_ID: text('twitchgraph'),
  KAFKA_TOPIC: text('chatters'),
  KAFKA_DLQ_TOPIC: text('chatters.dlq'),
  KAFKA_GROUP_ID: text('twitchgraph-ingest'),
  KAFKA_PARTITIONS: wholeNumber(3, 1, 10_000),
  KAFKA_SESSION_TIMEOUT_MS: wholeNumber(30_000, 6_000, 300_000),
  INGEST_BATCH_SIZE: wholeNumber(5_000, 1, 1_000_000),
  INGEST_BATCH_MAX_WAIT_MS: wholeNumber(500, 1),
  INGEST_QUEUE_CAPACITY: wholeNumber(100_000, 1),
  INGEST_MESSAGE_ID_WINDOW: wholeNumber(100_000, 0, 10_000_000),
  // --- live alerts (docs/alerts.md) ---
  ALERTS_TOPIC: text('alerts'),
  ALERTS_GROUP_ID: text('twitchgraph-alerts'),
  ALERTS_WINDOW_SECONDS: wholeNumber(60, 5, 3_600),
  ALERTS_COOLDOWN_SECONDS: wholeNumber(300, 0, 86_400),
  ALERTS_RAID_WINDOW_SECONDS: wholeNumber(120, 5, 3_600),
  ALERTS_NEW_ACCOUNT_DAYS: wholeNumber(7, 0, 3_650),
  ALERTS_UPDATE_DELAY_MS: wholeNumber(2_000, 0, 600_000),
  // --- Twitch ---
  TWITCH_CHANNELS: list(),
  TWITCH_USERNAME: optionalText(),
  TWITCH_OAUTH_TOKEN: optionalText(),
  TWITCH_IRC_URL: url(['ws:', 'wss:'], 'wss://irc-ws.chat.twitch.tv:443'),
  TWITCH_JOIN_LIMIT: wholeNumber(20, 1, 100_000),
  TWITCH_JOIN_WINDOW_MS: wholeNumber(10_000, 100, 3_600_000),
  TWITCH_MONITOR_POLL_MS: wholeNumber(5_000, 100, 3_600_000),
  TWITCH_BUFFER_EVENTS: wholeNumber(50_000, 1, 10_000_000),
  TWITCH_SHARD: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+\/\d+$/, 'expected i/n, e.g. 2/3 for the second of three listeners')
      .transform((value) => value.split('/').map(Number) as [number, number])
      .refine(([index, count]) => count >= 1 && index >= 1 && index <= count, {
        message: 'expected i/n with 1 ≤ i ≤ n, e.g. 2/3 for the second of three listeners',
      })
      .default([1, 1]),
  ),
  TWITCH_CLIENT_ID: optionalText(),
  TWITCH_CLIENT_SECRET: optionalText(),
  TWITCH_HELIX_URL: text('https://api.twitch.tv/helix'),
  TWITCH_AUTH_URL: text('https://id.twitch.tv/oauth2'),
  TWITCH_BROADCASTER_TOKEN: optionalText(),
  // --- Discord ---
  DISCORD_TOKEN: optionalText(),
  DISCORD_APP_ID: optionalText(),
  DISCORD_ADMIN_ROLE: optionalText(),
  DISCORD_GUILD_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{17,20}$/, { error: 'expected a server (guild) id: 17–20 digits' })
      .optional(),
  ),
  DISCORD_API_URL: url(['http:', 'https:'], 'https://discord.com/api'),
  DISCORD_COOLDOWN_SECONDS: wholeNumber(3, 0, 3_600),
  DISCORD_PAGES_TTL_SECONDS: wholeNumber(300, 10, 86_400),
  DISCORD_PUBLIC_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^[0-9a-fA-F]{64}$/, {
        error:
          "expected the application's public key: 64 hex digits (Developer Portal → General Information)",
      })
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
  DISCORD_HTTP_PORT: wholeNumber(8090, 0, 65_535),
  // --- web (playground, health, metrics) ---
  HTTP_HOST: text('127.0.0.1'),
  HTTP_PORT: wholeNumber(8080, 0, 65_535),
  HTTP_ALLOWED_HOSTS: list(),
  PLAYGROUND_TOKEN: z.preprocess(
    emptyToUndefined,
    z.string().trim().min(16, { error: 'use at least 16 characters' }).optional(),
  ),
  OPS_PORT: wholeNumber(9464, 0, 65_535),
  // --- bots ---
  BOT_LOGINS_EXTRA: list(),
  // --- logging ---
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  ),
  LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['auto', 'pretty', 'json']).default('auto')),
});

type Env = z.infer<typeof envSchema>;

function shape(env: Env, cwd: string) {
  // Credentials written into GRAPH_URL move to the user and password, so the URL can be shown anywhere.
  const graphUrl = env.GRAPH_URL === undefined ? undefined : splitUrlCredentials(env.GRAPH_URL);
  return {
    dataDir: resolve(cwd, env.TWITCHGRAPH_DATA_DIR),
    snapshotMinIntervalMs: env.SNAPSHOT_MIN_INTERVAL_MS,
    /** `ask` reads the store itself even when a running `start` could answer. */
    askLocal: env.TWITCHGRAPH_ASK_LOCAL === '1' || env.TWITCHGRAPH_ASK_LOCAL === 'true',
    graph: {
      url: graphUrl?.url,
      user: env.GRAPH_USER ?? graphUrl?.user,
      password: env.GRAPH_PASSWORD ?? graphUrl?.password,
      batchSize: env.GRAPH_BATCH_SIZE,
      connectRetries: env.GRAPH_CONNECT_RETRIES,
      connectBackoffMs: env.GRAPH_CONNECT_BACKOFF_MS,
    },
    algorithms: {
      betweennessExactMaxNodes: env.BETWEENNESS_EXACT_MAX_NODES,
      betweennessSamplePivots: env.BETWEENNESS_SAMPLE_PIVOTS,
    },
    kafka: {
      brokers: env.KAFKA_BROKERS,
      clientId: env.KAFKA_CLIENT_ID,
      topic: env.KAFKA_TOPIC,
      dlqTopic: env.KAFKA_DLQ_TOPIC,
      groupId: env.KAFKA_GROUP_ID,
      partitions: env.KAFKA_PARTITIONS,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
    },
    ingest: {
      batchSize: env.INGEST_BATCH_SIZE,
      batchMaxWaitMs: env.INGEST_BATCH_MAX_WAIT_MS,
      queueCapacity: env.INGEST_QUEUE_CAPACITY,
      messageIdWindow: env.INGEST_MESSAGE_ID_WINDOW,
    },
    alerts: {
      topic: env.ALERTS_TOPIC,
      groupId: env.ALERTS_GROUP_ID,
      windowMs: env.ALERTS_WINDOW_SECONDS * 1000,
      cooldownMs: env.ALERTS_COOLDOWN_SECONDS * 1000,
      raidWindowMs: env.ALERTS_RAID_WINDOW_SECONDS * 1000,
      newAccountDays: env.ALERTS_NEW_ACCOUNT_DAYS,
      updateDelayMs: env.ALERTS_UPDATE_DELAY_MS,
    },
    twitch: {
      channels: env.TWITCH_CHANNELS.map((c) => c.replace(/^#/, '').toLowerCase()),
      username: env.TWITCH_USERNAME,
      oauthToken: env.TWITCH_OAUTH_TOKEN,
      ircUrl: env.TWITCH_IRC_URL,
      joinLimit: env.TWITCH_JOIN_LIMIT,
      joinWindowMs: env.TWITCH_JOIN_WINDOW_MS,
      monitorPollMs: env.TWITCH_MONITOR_POLL_MS,
      bufferEvents: env.TWITCH_BUFFER_EVENTS,
      shard: { index: env.TWITCH_SHARD[0], count: env.TWITCH_SHARD[1] },
      clientId: env.TWITCH_CLIENT_ID,
      clientSecret: env.TWITCH_CLIENT_SECRET,
      helixUrl: env.TWITCH_HELIX_URL,
      authUrl: env.TWITCH_AUTH_URL,
      broadcasterToken: env.TWITCH_BROADCASTER_TOKEN,
    },
    discord: {
      token: env.DISCORD_TOKEN,
      appId: env.DISCORD_APP_ID,
      adminRole: env.DISCORD_ADMIN_ROLE,
      guildId: env.DISCORD_GUILD_ID,
      apiUrl: env.DISCORD_API_URL,
      cooldownSeconds: env.DISCORD_COOLDOWN_SECONDS,
      pagesTtlSeconds: env.DISCORD_PAGES_TTL_SECONDS,
      publicKey: env.DISCORD_PUBLIC_KEY,
      httpPort: env.DISCORD_HTTP_PORT,
    },
    http: {
      host: env.HTTP_HOST,
      port: env.HTTP_PORT,
      allowedHosts: env.HTTP_ALLOWED_HOSTS.map((h) => h.toLowerCase()),
      playgroundToken: env.PLAYGROUND_TOKEN,
    },
    ops: { port: env.OPS_PORT },
    bots: { extraLogins: env.BOT_LOGINS_EXTRA.map((l) => l.toLowerCase()) },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT },
  };
}

export type Config = ReturnType<typeof shape>;

/** Every configured value that must never be printed or logged. */
export function secretValues(config: Config): string[] {
  return [
    config.graph.password,
    config.twitch.oauthToken?.replace(/^oauth:/, ''),
    config.twitch.clientSecret,
    config.twitch.broadcasterToken,
    config.discord.token,
    config.http.playgroundToken,
  ].filter((s): s is string => s !== undefined && s.length > 0);
}

/** Thrown when the environment does not describe a usable configuration. Lists every problem at once. */
export class ConfigError extends TwitchgraphError<'CONFIG_INVALID'> {
  readonly code = 'CONFIG_INVALID';
  readonly canRetry = false;
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every setting.`,
    );
    this.name = 'ConfigError';
  }
}

/** Cross-field rules that a per-variable schema cannot express. */
function crossFieldProblems(env: Env): string[] {
  const problems: string[] = [];
  if ((env.TWITCH_USERNAME === undefined) !== (env.TWITCH_OAUTH_TOKEN === undefined)) {
    problems.push(
      'TWITCH_USERNAME and TWITCH_OAUTH_TOKEN: set both for an OAuth login, or neither for anonymous',
    );
  }
  if (env.TWITCH_IRC_URL !== undefined) {
    // tmi.js 1.8.5 builds the address as `ws(s)://host:port/` and always uses port 443 for TLS, so a path or
    // another TLS port would be silently ignored: refuse them instead.
    const irc = new URL(env.TWITCH_IRC_URL);
    if (irc.protocol === 'wss:' && irc.port !== '' && irc.port !== '443') {
      problems.push('TWITCH_IRC_URL: wss:// works on port 443 only (tmi.js always uses 443 for TLS)');
    }
    if (irc.pathname !== '/' || irc.search !== '') {
      problems.push('TWITCH_IRC_URL: give scheme, host and port only (tmi.js connects to the root path)');
    }
  }
  if ((env.GRAPH_USER === undefined) !== (env.GRAPH_PASSWORD === undefined)) {
    problems.push('GRAPH_USER and GRAPH_PASSWORD: set both, or neither when the server has auth off');
  }
  if ((env.TWITCH_CLIENT_ID === undefined) !== (env.TWITCH_CLIENT_SECRET === undefined)) {
    problems.push('TWITCH_CLIENT_ID and TWITCH_CLIENT_SECRET: set both for the Helix collector, or neither');
  }
  if (env.TWITCH_BROADCASTER_TOKEN !== undefined && env.TWITCH_CLIENT_ID === undefined) {
    problems.push(
      'TWITCH_BROADCASTER_TOKEN: Helix takes a user token only with the Client-Id it was issued to; set TWITCH_CLIENT_ID too',
    );
  }
  return problems;
}

export interface LoadConfigOptions {
  /** Variables to read; the process environment by default. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Directory that holds `.env` and against which relative paths resolve. */
  cwd?: string;
  /** Read `.env` from `cwd` (values already in `env` win). Default true. */
  dotenv?: boolean;
}

function readDotenv(cwd: string): Record<string, string> {
  const file = resolve(cwd, '.env');
  if (!existsSync(file)) return {};
  try {
    return Object.fromEntries(
      Object.entries(parseEnv(readFileSync(file, 'utf8'))).filter(
        (e): e is [string, string] => e[1] !== undefined,
      ),
    );
  } catch (error) {
    throw new ConfigError([
      `${file}: cannot be read (${error instanceof Error ? error.message : String(error)})`,
    ]);
  }
}

export function loadConfig(options: LoadConfigOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const merged = { ...(options.dotenv === false ? {} : readDotenv(cwd)), ...env };
  const parsed = envSchema.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '(environment)');
      const raw = merged[key];
      if (raw === undefined) return `${key}: ${issue.message}`;
      // A rejected secret is still a secret: say how long it was, not what it was.
      const got = /TOKEN|SECRET|PASSWORD/.test(key) ? `${raw.length} characters` : JSON.stringify(raw);
      return `${key}: ${issue.message} (got ${got})`;
    });
    throw new ConfigError(problems);
  }
  const problems = crossFieldProblems(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return shape(parsed.data, cwd);
}

/** Names of every variable the schema knows, for `.env.example` checks. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);
