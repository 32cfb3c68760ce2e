import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/cli-context.js';
import { EXIT } from '../../src/cli/cli-context.js';
import { runReplay } from '../../src/cli/replay.cli.js';
import { loadConfig } from '../../src/config.js';
import { decodeChatEvent } from '../../src/domain/chat-event.js';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { MemoryEventBus } from '../../src/ingest/bus/memory-bus.js';
import { importSeedDirectory } from '../../src/ingest/csv/seed-importer.js';
import type { ChattersLine } from '../../src/ingest/replay/chatters-file.js';
import { ChattersFile, ChattersFileError } from '../../src/ingest/replay/chatters-file.js';
import { replayChatters } from '../../src/ingest/replay/replay.js';
import { silentLogger } from '../../src/logging.js';
import { chatterEdges } from '../support/chat-events.js';
import { demoDatasetDir } from '../support/demo-dataset.js';

const root = mkdtempSync(join(tmpdir(), 'twitchgraph-replay-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function file(text: string): string {
  n += 1;
  const path = join(root, `chatters-${n}.txt`);
  writeFileSync(path, text);
  return path;
}

async function readAll(path: string): Promise<{ format: string | undefined; lines: ChattersLine[] }> {
  const f = await ChattersFile.open(path);
  const lines: ChattersLine[] = [];
  for await (const line of f.lines()) lines.push(line);
  return { format: f.format, lines };
}

describe('chatters file reader', () => {
  it('reads chatters.csv with its header, and reports bad lines by number', async () => {
    const { format, lines } = await readAll(
      file('\uFEFFuser_id,chatter_login\r\n1,Ann\r\n\r\nnot a line\r\n2,bob,extra\r\nx1,cat\r\n3,dan\r\n'),
    );
    expect(format).toBe('chatters-csv');
    expect(lines).toEqual([
      { ok: true, line: 2, channelId: '1', login: 'ann' },
      { ok: false, line: 4, reason: 'expected 2 columns (user_id,chatter_login), got 1' },
      { ok: false, line: 5, reason: 'expected 2 columns (user_id,chatter_login), got 3' },
      { ok: false, line: 6, reason: 'user_id: expected a numeric Twitch id' },
      { ok: true, line: 7, channelId: '3', login: 'dan' },
    ]);
  });

  it('reads the seed stream file: no header, every line is data', async () => {
    const { format, lines } = await readAll(file('10,ann\n11,bob\n'));
    expect(format).toBe('seed-stream');
    expect(lines.map((l) => (l.ok ? `${l.channelId}/${l.login}` : l.reason))).toEqual(['10/ann', '11/bob']);
  });

  it('names a missing file', async () => {
    await expect(ChattersFile.open(join(root, 'nope.csv'))).rejects.toBeInstanceOf(ChattersFileError);
  });
});

describe('replay', () => {
  it('publishes one valid chat event per good line, keyed by channel, and skips bad ones', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const rejects: string[] = [];
    const path = file('user_id,chatter_login\n7,ann\nbad\n8,bob\n7,cat\n');
    const summary = await replayChatters(await bus.publisher(), {
      file: path,
      topic: 'chatters',
      intervalMs: 0,
      onReject: (r) => rejects.push(`${r.file}:${r.line}: ${r.reason}`),
    });
    expect(summary).toMatchObject({ published: 3, rejected: 1, stopped: false, format: 'chatters-csv' });
    expect(rejects).toEqual([`${path}:3: expected 2 columns (user_id,chatter_login), got 1`]);
    const messages = bus.peek('chatters');
    expect(messages.map((m) => m.key)).toEqual(['7', '8', '7']);
    const decoded = messages.map((m) => decodeChatEvent(m.value));
    expect(decoded.map((d) => (d.ok ? `${d.event.channel.id}/${d.event.user.login}` : d.reason))).toEqual([
      '7/ann',
      '8/bob',
      '7/cat',
    ]);
    expect(decoded.every((d) => d.ok && d.event.sentAt !== null)).toBe(true);
  });

  it('passes over the first skipEvents valid lines, so a stopped replay can go on where it was', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const path = file('user_id,chatter_login\n7,ann\nbad\n8,bob\n7,cat\n9,dan\n');
    const summary = await replayChatters(await bus.publisher(), {
      file: path,
      topic: 'chatters',
      intervalMs: 0,
      skipEvents: 2,
    });
    expect(summary).toMatchObject({ published: 2, rejected: 1 });
    const logins = bus.peek('chatters').map((m) => {
      const decoded = decodeChatEvent(m.value);
      return decoded.ok ? decoded.event.user.login : decoded.reason;
    });
    expect(logins).toEqual(['cat', 'dan']);
  });

  it('stops when its signal is aborted', async () => {
    const bus = new MemoryEventBus({ capacity: 100, firstOffset: 0 });
    const abort = new AbortController();
    const path = file('1,a\n1,b\n1,c\n1,d\n');
    const summary = await replayChatters(await bus.publisher(), {
      file: path,
      topic: 't',
      intervalMs: 60_000,
      signal: abort.signal,
      onProgress: () => abort.abort(), // the first event goes out at once, then the wait is cut short
    });
    expect(summary.stopped).toBe(true);
    expect(summary.published).toBe(1);
  });

  it('without Kafka, replays the demo chatters.csv into the store: the same CHATTER edges as the CSV import', async () => {
    const dataDir = join(root, 'store');
    const out: string[] = [];
    const context: CliContext = {
      config: loadConfig({ env: { TWITCHGRAPH_DATA_DIR: dataDir }, dotenv: false }),
      logger: silentLogger,
      io: { out: (t) => out.push(t), err: () => undefined, errIsTTY: false },
    };
    const code = await runReplay(context, { file: join(demoDatasetDir(), 'chatters.csv') });
    expect(code).toBe(EXIT.ok);
    expect(out.join('')).toContain('28,950 events published');

    const imported = EmbeddedGraphStore.inMemory();
    await importSeedDirectory(demoDatasetDir(), imported);
    const ids = (await imported.streamersBy({ language: null, game: null })).map((s) => s.id);
    const replayed = await EmbeddedGraphStore.open({ dataDir, readOnly: true });
    const expected = [...(await chatterEdges(imported, ids)).keys()].sort();
    const got = await chatterEdges(replayed, ids);
    expect(expected.length).toBeGreaterThan(28_000);
    expect([...got.keys()].sort()).toEqual(expected);
    expect([...got.values()].every((messages) => messages === 1)).toBe(true);
    await replayed.close();
  });
});
