/** Helpers of the durability fault suite: CLI processes in their own process group, and store read-backs. */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbeddedGraphStore } from '../../../src/graph/embedded/embedded-store.js';
import { REPO_ROOT } from '../../support/spawn-cli.js';

const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
export const CLI = join(REPO_ROOT, 'src/cli.ts');
export const SAMPLE_DIR = join(REPO_ROOT, 'data');

export interface Proc {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
  /** Resolves once the output matches (rejects when the process exits first or after `timeoutMs`). */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  /** Sends `signal` to the whole process group, as a terminal's Ctrl-C does. */
  signalGroup: (signal: NodeJS.Signals) => void;
}

/**
 * The embedded defaults whatever a developer's `.env` in the repository says (the environment wins over it;
 * `npm start` runs there), on ports of their own: several of these run on a machine others share.
 */
export function baseEnv(dataDir: string): Record<string, string> {
  return {
    GRAPH_URL: '',
    KAFKA_BROKERS: '',
    TWITCH_CHANNELS: '',
    DISCORD_TOKEN: '',
    TWITCHGRAPH_DATA_DIR: dataDir,
    HTTP_PORT: '0',
    OPS_PORT: '0',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  };
}

/** `command args` as the leader of a new process group, with `env` on top of this process's. */
export function spawnGroup(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Proc {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        listeners.delete(check);
        clearTimeout(timer);
      };
      const check = () => {
        if (pattern.test(output)) {
          done();
          resolve();
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${String(pattern)} within ${timeoutMs} ms; output:\n${output.slice(-2000)}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then(() => {
        check();
        if (listeners.has(check)) {
          done();
          reject(new Error(`exited before ${String(pattern)}; output:\n${output.slice(-2000)}`));
        }
      });
      check();
    });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  };
  return { child, exited, output: () => output, waitFor, signalGroup };
}

/** `twitchgraph <args>` run by node with the tsx loader (no relay between the signal and the process). */
export function spawnTwitchgraph(args: readonly string[], env: Record<string, string>): Proc {
  return spawnGroup(process.execPath, ['--import', TSX_LOADER, CLI, ...args], env, REPO_ROOT);
}

/** Waits for exit; SIGKILLs the group after `timeoutMs` so a hung process fails the test instead of the run. */
export async function exitOf(proc: Proc, timeoutMs = 90_000) {
  const timer = setTimeout(() => proc.signalGroup('SIGKILL'), timeoutMs);
  try {
    return await proc.exited;
  } finally {
    clearTimeout(timer);
  }
}

export interface StoreTotals {
  /** Sum of CHATTER `messages` (chat counted through the pipeline). */
  messages: number;
  chatterLinks: number;
  nodes: number;
  relationships: number;
}

/** Opens the store read-only (as `ask` does) and adds up what it holds; throws when it does not load. */
export async function storeTotals(dataDir: string): Promise<StoreTotals> {
  const store = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
  try {
    let messages = 0;
    let chatterLinks = 0;
    store.graph.forEachRelationship((_source, _target, attrs) => {
      if (attrs.type !== 'CHATTER') return;
      chatterLinks += 1;
      messages += attrs.messages ?? 0;
    });
    const counts = await store.counts();
    return { messages, chatterLinks, nodes: counts.nodes, relationships: counts.relationships };
  } finally {
    await store.close();
  }
}

export function tempFilesIn(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name.endsWith('.tmp'));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function randomBetween(min: number, max: number): number {
  return Math.round(min + Math.random() * (max - min));
}

/** Lines in `file` after the header: events a replay of it publishes. */
export const SAMPLE_CHATTER_EVENTS = 6_033;
export const DEMO_CHATTER_EVENTS = 28_950;
