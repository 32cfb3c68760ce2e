/**
 * A CSV file as records with the physical lines each one spans. Records are framed here (a record ends at
 * a line break outside quotes) so that one broken quote costs one line: csv-parse's own error recovery
 * goes on inside the unclosed quote and swallows the rest of the file. csv-parse still reads the fields
 * of every record that holds a quote; records without one are split on commas.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse/sync';

export type CsvRecord =
  | { kind: 'fields'; line: number; lastLine: number; fields: string[] }
  | { kind: 'broken'; line: number; lastLine: number; reason: string }
  | { kind: 'blank'; line: number };

/** A quoted field may span lines, but not more than these (a description is at most 300 characters). */
const MAX_RECORD_LINES = 100;
const MAX_RECORD_CHARS = 64 * 1024;
/** No row of the seed files comes near this; a longer line is reported, not held in memory. */
export const MAX_LINE_BYTES = 1 << 20;
const READ_BYTES = 1 << 16;
const NEWLINE = 0x0a;

interface PhysicalLine {
  line: number;
  text: string;
  /** Why the line cannot be read (bytes that are not UTF-8, a line too long), when it cannot. */
  problem?: string;
}

const strict = new TextDecoder('utf-8', { fatal: true });
const lenient = new TextDecoder('utf-8');

function quotes(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n += 1;
  return n;
}

function badByte(bytes: Uint8Array): string {
  const name = (at: number) =>
    `not UTF-8: byte 0x${(bytes[at] ?? 0).toString(16).toUpperCase().padStart(2, '0')} at byte ${at + 1} of the line`;
  // A fresh streaming decoder fails at the first byte that cannot continue what came before.
  const probe = new TextDecoder('utf-8', { fatal: true });
  for (let at = 0; at < bytes.length; at += 1) {
    try {
      probe.decode(bytes.subarray(at, at + 1), { stream: true });
    } catch {
      return name(at);
    }
  }
  // Otherwise the line ends inside a character: name the byte that began it.
  let start = bytes.length - 1;
  while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start -= 1;
  return name(start);
}

/** Decode complete lines: the whole block at once, line by line only when it is not valid UTF-8. */
function decodeLines(block: Uint8Array, firstLine: number): PhysicalLine[] {
  const strip = (t: string) => (t.endsWith('\r') ? t.slice(0, -1) : t);
  try {
    return strict
      .decode(block)
      .split('\n')
      .map((text, i) => ({ line: firstLine + i, text: strip(text) }));
  } catch {
    const out: PhysicalLine[] = [];
    let start = 0;
    for (let i = 0; i <= block.length; i += 1) {
      if (i < block.length && block[i] !== NEWLINE) continue;
      const bytes = block.subarray(start, i);
      const line = firstLine + out.length;
      try {
        out.push({ line, text: strip(strict.decode(bytes)) });
      } catch {
        out.push({ line, text: strip(lenient.decode(bytes)), problem: badByte(bytes) });
      }
      start = i + 1;
    }
    return out;
  }
}

function fieldsOf(text: string): { fields: string[] } | { error: string } {
  if (!text.includes('"')) return { fields: text.split(',') };
  try {
    const records: string[][] = parse(text, { relax_column_count: true });
    const [first] = records;
    if (records.length !== 1 || first === undefined) return { error: 'malformed CSV: not one record' };
    return { fields: first };
  } catch (error) {
    return { error: `malformed CSV: ${csvProblem(error)}` };
  }
}

/** csv-parse's message in the reader's words; its "at line N" counts within the record, so it is dropped. */
function csvProblem(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'CSV_INVALID_CLOSING_QUOTE')
    return 'text follows a closing quote (a quote inside a quoted field is written "")';
  if (code === 'CSV_INVALID_OPENING_QUOTE') return 'a quote inside an unquoted field (quote the whole field)';
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/ at line \d+/, '');
}

const UNCLOSED = 'malformed CSV: a quote opened on this line is never closed';

function brokenFirst(lines: readonly PhysicalLine[], reason: string): CsvRecord {
  const line = lines[0]?.line ?? 0;
  return { kind: 'broken', line, lastLine: line, reason };
}

/** Turns physical lines into records, resynchronising at the next line after a record it cannot frame. */
class RecordFramer {
  private pending: PhysicalLine[] = [];
  private pendingChars = 0;

  push(input: PhysicalLine, out: CsvRecord[]): void {
    const queue: PhysicalLine[] = [input];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (this.pending.length === 0 && next.text === '' && next.problem === undefined) {
        out.push({ kind: 'blank', line: next.line });
        continue;
      }
      this.pending.push(next);
      this.pendingChars += next.text.length + 1;
      const text = this.pending.length === 1 ? next.text : this.pending.map((l) => l.text).join('\n');
      if (quotes(text) % 2 === 0) {
        const lines = this.take();
        const record = recordOf(lines, text);
        if (record !== null) out.push(record);
        else {
          // Not one readable record over these lines: the first is broken, the others are read again.
          out.push(brokenFirst(lines, fieldsError(text)));
          queue.unshift(...lines.slice(1));
        }
        continue;
      }
      if (this.pending.length >= MAX_RECORD_LINES || this.pendingChars >= MAX_RECORD_CHARS) {
        const lines = this.take();
        out.push(brokenFirst(lines, UNCLOSED));
        queue.unshift(...lines.slice(1));
      }
    }
  }

  /** End of file: a record still open never had its quote closed. */
  end(out: CsvRecord[]): void {
    while (this.pending.length > 0) {
      const lines = this.take();
      out.push(brokenFirst(lines, UNCLOSED));
      for (const line of lines.slice(1)) this.push(line, out);
    }
  }

  private take(): PhysicalLine[] {
    const lines = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    return lines;
  }
}

function fieldsError(text: string): string {
  const parsed = fieldsOf(text);
  return 'error' in parsed ? parsed.error : 'malformed CSV';
}

/** The record these lines frame, or null when they hold no single readable record spanning several lines. */
function recordOf(lines: readonly PhysicalLine[], text: string): CsvRecord | null {
  const first = lines[0]?.line ?? 0;
  const last = lines[lines.length - 1]?.line ?? first;
  const problem = lines.find((l) => l.problem !== undefined)?.problem;
  if (problem !== undefined) return { kind: 'broken', line: first, lastLine: last, reason: problem };
  const parsed = fieldsOf(text);
  if ('fields' in parsed) return { kind: 'fields', line: first, lastLine: last, fields: parsed.fields };
  return lines.length > 1 ? null : { kind: 'broken', line: first, lastLine: first, reason: parsed.error };
}

export interface CsvLinesProgress {
  bytes: number;
}

const TOO_LONG = `line longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB; no row of these files is that long`;

const hasBom = (b: Uint8Array) => b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;

/** Every record of `path` in order, in arrays; blank lines come out too, so every line is accounted for. */
export async function* readCsvRecords(
  path: string,
  progress?: CsvLinesProgress,
): AsyncGenerator<CsvRecord[]> {
  // 64 KiB reads: a block's rows (about 3,000) are done with before the next young-generation collection, so
  // they are not promoted and the heap is not left fragmented after a million-row import (1 MiB reads cost
  // about 70 MiB more at the peak and after the import, and were no faster; issue 19).
  const input = createReadStream(path, { highWaterMark: READ_BYTES });
  const framer = new RecordFramer();
  let rest: Uint8Array = new Uint8Array(0);
  let nextLine = 1;
  let atStart = true;
  // The line number of an overlong line whose bytes are being dropped up to its end.
  let dropping: number | undefined;
  const feed = (block: Uint8Array, out: CsvRecord[]) => {
    const lines = decodeLines(block, nextLine);
    nextLine += lines.length;
    for (const line of lines) framer.push(line, out);
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (progress !== undefined) progress.bytes += chunk.length;
    let bytes: Uint8Array = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    rest = new Uint8Array(0);
    if (atStart && bytes.length >= 3) {
      atStart = false;
      if (hasBom(bytes)) bytes = bytes.subarray(3);
    }
    const out: CsvRecord[] = [];
    if (dropping !== undefined) {
      const newline = bytes.indexOf(NEWLINE);
      if (newline === -1) continue;
      framer.push({ line: dropping, text: '', problem: TOO_LONG }, out);
      dropping = undefined;
      bytes = bytes.subarray(newline + 1);
    }
    const end = bytes.lastIndexOf(NEWLINE);
    if (end !== -1) {
      feed(bytes.subarray(0, end), out);
      bytes = bytes.subarray(end + 1);
    }
    if (bytes.length > MAX_LINE_BYTES) {
      dropping = nextLine;
      nextLine += 1;
    } else rest = bytes;
    yield out;
  }
  const out: CsvRecord[] = [];
  if (atStart && hasBom(rest)) rest = rest.subarray(3);
  if (dropping !== undefined) framer.push({ line: dropping, text: '', problem: TOO_LONG }, out);
  else if (rest.length > 0) feed(rest, out);
  framer.end(out);
  yield out;
}
