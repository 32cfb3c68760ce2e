/**
 * One writer per embedded store: a lock file in the data directory names the process that holds it.
 *
 * A process is named by more than its PID, because PIDs are reused: in a container the store's writer is
 * PID 1 after every restart. The lock records the boot id and the process's start time (from /proc), so a
 * lock whose PID now belongs to another process, or to this very process started anew, is known stale.
 * A PID of another PID namespace (another container on the same volume, or this container before a
 * restart) cannot be looked up at all; for those the holder's heartbeat decides: the holder touches the
 * lock file every second from a worker thread (so a busy main thread does not starve it), and a lock
 * untouched for `LEASE_MS` is stale. Such a takeover waits for the lease to run out.
 * Taking over a stale lock is serialised by a second, exclusive-create file: removing and re-creating the
 * lock is not atomic, and without it several contenders could each remove the lock another just took.
 */
import {
  closeSync,
  linkSync,
  readlinkSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { GraphStoreError } from '../graph-store.port.js';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
  /** Absent in locks written before PID reuse was handled (and on systems without /proc). */
  bootId?: string;
  startTicks?: string;
  /** The PID namespace the PID belongs to (`pid:[inode]`); absent in older locks. */
  pidNs?: string;
}

export const LOCK_FILE = 'writer.lock';
const TAKEOVER_FILE = 'writer.lock.takeover';
/** A takeover file older than this was left by a contender that died in the middle of one. */
const TAKEOVER_STALE_MS = 10_000;
/** A lock of another PID namespace untouched this long is stale; the holder touches it every second. */
export const LEASE_MS = 10_000;
const HEARTBEAT_MS = 1_000;

/** Lock files this process holds: a lock naming our PID that is not among them is an earlier life's. */
const heldHere = new Set<string>();

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

function bootId(): string | undefined {
  return readProc('/proc/sys/kernel/random/boot_id')?.trim();
}

/** Field 22 of /proc/PID/stat: when the process started, in clock ticks since boot. */
export function processStartTicks(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

/** Whether a process with this PID exists (ours or another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): { owner: LockOwner | null; text: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && 'pid' in value && typeof value.pid === 'number') {
      return { owner: value as LockOwner, text };
    }
  } catch {
    // A lock cut short by a crash while it was written: nobody holds it.
  }
  return { owner: null, text };
}

/** Whether a writer that is not certainly gone holds the store in `dataDir` now. */
export function writerHolds(dataDir: string): boolean {
  const file = join(dataDir, LOCK_FILE);
  const read = readOwner(file);
  return read !== undefined && !isStale(read.owner, file);
}

/** Whether the lock's owner is certainly gone. */
export function isStale(owner: LockOwner | null, file: string): boolean {
  if (owner === null) return true;
  // Another host (a container recreated under a new hostname, or another machine): only its heartbeat says.
  // Locks of versions without the heartbeat (no pidNs) are never judged from here.
  if (owner.host !== hostname()) return owner.pidNs !== undefined && leaseExpired(file);
  const boot = bootId();
  if (owner.bootId !== undefined && boot !== undefined && owner.bootId !== boot) return true;
  if (inOtherNamespace(owner)) return leaseExpired(file);
  if (owner.pid === process.pid) return !heldHere.has(file);
  if (!isAlive(owner.pid)) return true;
  if (owner.startTicks !== undefined) {
    const ticks = processStartTicks(owner.pid);
    if (ticks !== undefined && ticks !== owner.startTicks) return true;
  }
  return false;
}

function inOtherNamespace(owner: LockOwner): boolean {
  const ns = pidNamespace();
  return owner.pidNs !== undefined && ns !== undefined && owner.pidNs !== ns;
}

/** A holder this process cannot look up, whose heartbeat decides. */
function judgedByLease(owner: LockOwner): boolean {
  return owner.pidNs !== undefined && (owner.host !== hostname() || inOtherNamespace(owner));
}

function leaseExpired(file: string): boolean {
  try {
    return Date.now() - statSync(file).mtimeMs > LEASE_MS;
  } catch {
    return true;
  }
}

/**
 * Touches every lock file this process holds, from a thread of its own. One per process, started with the
 * first lock; it does not keep the process alive.
 */
let heartbeat: Worker | undefined;
// getBuiltinModule, not require or import: the source must run whether the parent's flags (e.g.
// --input-type=module) make eval code a script or a module.
const HEARTBEAT_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { utimesSync } = process.getBuiltinModule('node:fs');
const files = new Set();
parentPort.on('message', (m) => (m.add ? files.add(m.file) : files.delete(m.file)));
setInterval(() => {
  const now = new Date();
  for (const file of files) {
    try { utimesSync(file, now, now); } catch {}
  }
}, workerData.everyMs);
`;

function beat(file: string, add: boolean): void {
  if (heartbeat === undefined) {
    if (!add) return;
    // execArgv: [] so the thread inherits no loader or module-type flag from the process.
    heartbeat = new Worker(HEARTBEAT_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { everyMs: HEARTBEAT_MS },
    });
    heartbeat.on('error', (error: Error) => {
      // Without the heartbeat another host could take the lock over after the lease; say so loudly.
      process.emitWarning(`writer lock heartbeat stopped: ${error.message}`);
      heartbeat = undefined;
    });
    heartbeat.unref();
  }
  heartbeat.postMessage({ file, add });
}

/**
 * Creates `file` holding `text`, or returns false when it exists. The text is written to a file of our own
 * first and linked into place, so nobody ever reads a lock that is there but still empty.
 */
function createExclusive(file: string, text: string): boolean {
  const own = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(own, text);
  try {
    linkSync(own, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(own, { force: true });
  }
}

function createMarker(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class WriterLock {
  private constructor(private readonly file: string) {
    heldHere.add(file);
    beat(file, true);
  }

  static acquire(dataDir: string, command: string): WriterLock {
    const file = join(dataDir, LOCK_FILE);
    const takeover = join(dataDir, TAKEOVER_FILE);
    const me: LockOwner = {
      pid: process.pid,
      host: hostname(),
      command,
      startedAt: new Date().toISOString(),
      ...optional('bootId', bootId()),
      ...optional('startTicks', processStartTicks(process.pid)),
      ...optional('pidNs', pidNamespace()),
    };
    const myText = `${JSON.stringify(me)}\n`;
    const started = Date.now();
    const deadline = started + LEASE_MS + 3_000;
    while (Date.now() < deadline) {
      if (createExclusive(file, myText)) return new WriterLock(file);
      const seen = readOwner(file);
      if (seen === undefined) continue; // released meanwhile: try again
      if (!isStale(seen.owner, file)) {
        // A holder we cannot look up may be gone: wait for its lease to run out before refusing.
        if (seen.owner !== null && judgedByLease(seen.owner) && Date.now() < started + LEASE_MS + 2_000) {
          sleepSync(200);
          continue;
        }
        throw inUse(dataDir, seen.owner);
      }
      // Stale. Only the holder of the takeover file may remove it, and only if it is still the lock just
      // judged stale (another contender may have replaced it with a live one meanwhile).
      if (!createMarker(takeover, myText)) {
        removeIfAbandoned(takeover);
        sleepSync(5 + Math.random() * 20);
        continue;
      }
      try {
        const again = readOwner(file);
        if (again === undefined || again.text === seen.text) {
          rmSync(file, { force: true });
          if (createExclusive(file, myText)) return new WriterLock(file);
        }
      } finally {
        rmSync(takeover, { force: true });
      }
    }
    throw new GraphStoreError(`Could not take the writer lock ${file} (contended)`, 'STORE_LOCKED', true);
  }

  release(): void {
    heldHere.delete(this.file);
    beat(this.file, false);
    const seen = readOwner(this.file);
    if (seen?.owner?.pid === process.pid) rmSync(this.file, { force: true });
  }
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function removeIfAbandoned(takeover: string): void {
  try {
    if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) rmSync(takeover, { force: true });
  } catch {
    // Gone already.
  }
}

function inUse(dataDir: string, owner: LockOwner | null): GraphStoreError {
  const who =
    owner === null
      ? 'another process'
      : `process ${owner.pid} (${owner.command}, on ${owner.host}, since ${owner.startedAt})`;
  return new GraphStoreError(
    `The embedded store in ${dataDir} is in use by ${who}. ` +
      'Stop that process first, or run this command inside it (e.g. `twitchgraph start` runs import, ingest and the front end together).',
    'STORE_LOCKED',
    false,
  );
}
