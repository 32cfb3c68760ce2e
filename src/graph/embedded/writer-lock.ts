/**
 * One writer per embedded store: a lock file in the data directory names the process that holds it.
 * A lock left by a process that no longer runs (same host) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { GraphStoreError } from '../graph-store.port.js';

export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  startedAt: string;
}

export const LOCK_FILE = 'writer.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof value === 'object' && value !== null && 'pid' in value && typeof value.pid === 'number') {
      return value as LockOwner;
    }
    return null;
  } catch {
    return null;
  }
}

export class WriterLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string, command: string): WriterLock {
    const file = join(dataDir, LOCK_FILE);
    const me: LockOwner = {
      pid: process.pid,
      host: hostname(),
      command,
      startedAt: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, `${JSON.stringify(me)}\n`);
        closeSync(fd);
        return new WriterLock(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(file);
      const stale = owner === null || (owner.host === me.host && !isAlive(owner.pid));
      if (!stale) {
        throw new GraphStoreError(
          `The embedded store in ${dataDir} is in use by process ${owner.pid} (${owner.command}, on ${owner.host}, since ${owner.startedAt}). ` +
            'Stop that process first, or run this command inside it (e.g. `twitchgraph start` runs import, ingest and the front end together).',
          'STORE_LOCKED',
          false,
        );
      }
      rmSync(file, { force: true });
    }
    throw new GraphStoreError(`Could not take the writer lock ${file}`, 'STORE_LOCKED', true);
  }

  release(): void {
    const owner = readOwner(this.file);
    if (owner?.pid === process.pid) rmSync(this.file, { force: true });
  }
}
