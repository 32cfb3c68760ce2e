/**
 * Read a chatters file for replay. Two layouts, both with the columns `user_id,chatter_login` (user_id is the
 * channel's broadcaster id):
 * - the five-CSV `chatters.csv`, whose first line is the header `user_id,chatter_login`;
 * - the seed's stream file: no header, one `user_id,chatter_login` pair per line.
 * The first non-blank line decides. A bad line comes out as a rejection naming its line, and reading goes on.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { seedChatterMessageSchema } from '../../domain/chat-event.js';
import { TwitchgraphError } from '../../util/twitchgraph-error.js';

export const CHATTERS_HEADER = 'user_id,chatter_login';

export type ChattersFileFormat = 'chatters-csv' | 'seed-stream';

export type ChattersLine =
  { ok: true; line: number; channelId: string; login: string } | { ok: false; line: number; reason: string };

/** The file cannot be replayed at all (missing, unreadable). */
export class ChattersFileError extends TwitchgraphError<'REPLAY_FILE_UNREADABLE'> {
  readonly code = 'REPLAY_FILE_UNREADABLE';
  readonly canRetry = false;
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ChattersFileError';
  }
}

/** One pass over a chatters file: `lines()` yields every data line, parsed or rejected. */
export class ChattersFile {
  /** Known once the first non-blank line has been read. */
  format: ChattersFileFormat | undefined;
  /** Bytes read so far, for progress lines (compare with `size`). */
  bytesRead = 0;

  private constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  static async open(path: string): Promise<ChattersFile> {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new ChattersFileError(path, 'not a file');
      return new ChattersFile(path, info.size);
    } catch (error) {
      if (error instanceof ChattersFileError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new ChattersFileError(path, code === 'ENOENT' ? 'file not found' : (error as Error).message);
    }
  }

  async *lines(): AsyncGenerator<ChattersLine> {
    const input = createReadStream(this.path, { encoding: 'utf8' });
    input.on('data', (chunk: string | Buffer) => {
      this.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    });
    const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let lineNo = 0;
    try {
      for await (const raw of reader) {
        lineNo += 1;
        const text = (lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
        if (text === '') continue;
        if (this.format === undefined) {
          const isHeader = text.toLowerCase().replace(/\s+/g, '') === CHATTERS_HEADER;
          this.format = isHeader ? 'chatters-csv' : 'seed-stream';
          if (isHeader) continue;
        }
        yield parseLine(text, lineNo);
      }
    } finally {
      reader.close();
      input.destroy();
    }
  }
}

function parseLine(text: string, line: number): ChattersLine {
  const columns = text.split(',');
  if (columns.length !== 2) {
    return { ok: false, line, reason: `expected 2 columns (${CHATTERS_HEADER}), got ${columns.length}` };
  }
  const parsed = seedChatterMessageSchema.safeParse({ user_id: columns[0], chatter_login: columns[1] });
  if (!parsed.success) {
    const reason = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`)
      .join('; ');
    return { ok: false, line, reason };
  }
  return { ok: true, line, channelId: parsed.data.user_id, login: parsed.data.chatter_login };
}
