/**
 * Memgraph's conditions that clear by themselves, played with Memgraph's own messages (from its source:
 * storage.hpp's accessor timeouts, the commit-time unique constraint check, the conflict error): the
 * store runs the work again with backoff instead of failing, and still fails at once on anything else.
 */
import { describe, expect, it } from 'vitest';
import { BoltGraphStore } from '../../../src/graph/bolt/bolt-store.js';
import { GraphStoreError } from '../../../src/graph/graph-store.port.js';
import { boltSettings } from '../../support/bolt.js';
import type { SentStatement } from '../../support/fake-bolt-driver.js';
import { FakeBoltDriver, MEMGRAPH_TRANSIENT_ERROR, serverFailure } from '../../support/fake-bolt-driver.js';

const UNIQUE_VIOLATION = 'Unable to commit due to unique constraint violation on :User(name)';
const CONFLICT =
  'Cannot resolve conflicting transactions. You can retry this transaction when the conflicting transaction is finished';
const UNIQUE_ACCESS =
  'Cannot get unique access to the storage. Try stopping other queries that are running in parallel.';
const SHARED_ACCESS =
  'Cannot get shared access storage. Try stopping other queries that are running in parallel.';

// deleteEverything deletes relationships (`DELETE r`), then nodes (`DETACH DELETE n`), a batch per statement.
const isDelete = (s: SentStatement) => /\bDELETE\b/.test(s.query);

/** Answers every statement with nothing, each delete with a count of 0, and fails the first `n` deletes. */
function failingDeletes(n: number, failure: () => Error): FakeBoltDriver {
  let left = n;
  return new FakeBoltDriver((statement) => {
    if (!isDelete(statement)) return [];
    if (left > 0) {
      left -= 1;
      throw failure();
    }
    return [{ count: 0n }];
  });
}

async function connect(driver: FakeBoltDriver, transactionRetryMs = 5_000): Promise<BoltGraphStore> {
  return BoltGraphStore.connect(boltSettings('bolt://memgraph.invalid:7687', { transactionRetryMs }), () =>
    driver.asDriver(),
  );
}

describe('Memgraph conditions that clear by themselves', () => {
  it.each([
    ['a unique constraint lost to a concurrent MERGE', () => serverFailure(UNIQUE_VIOLATION)],
    ['a write conflict', () => serverFailure(CONFLICT, MEMGRAPH_TRANSIENT_ERROR)],
    ['a storage access timeout', () => serverFailure(SHARED_ACCESS)],
  ])('runs a write again after %s, with growing waits', async (_name, failure) => {
    const driver = failingDeletes(3, failure);
    const store = await connect(driver);
    const started = Date.now();
    await expect(store.deleteEverything()).resolves.toBeUndefined();
    // Waits of about 50, 100 and 200 ms, each jittered to 50–100%.
    expect(Date.now() - started).toBeGreaterThanOrEqual(170);
    // The relationships' delete four times (three failures), then the nodes' delete once.
    expect(driver.sent.filter(isDelete)).toHaveLength(5);
    await store.close();
  });

  it('sets up the schema when Memgraph refuses storage access at first', async () => {
    let refusals = 2;
    const driver = new FakeBoltDriver((statement) => {
      if (statement.mode === 'auto' && refusals > 0) {
        refusals -= 1;
        throw serverFailure(UNIQUE_ACCESS);
      }
      return [];
    });
    const store = await connect(driver);
    expect(store.backend).toBe('memgraph');
    const schema = driver.sent.filter((s) => s.mode === 'auto').map((s) => s.query);
    // The first statement three times (two refusals), then every other one once.
    expect(schema[0]).toBe(schema[2]);
    expect(new Set(schema).size).toBe(schema.length - 2);
    await store.close();
  });

  it('gives up when the time budget is spent, with an error that says retrying later can help', async () => {
    const driver = failingDeletes(Number.MAX_SAFE_INTEGER, () => serverFailure(UNIQUE_VIOLATION));
    const store = await connect(driver, 400);
    const error = await store.deleteEverything().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphStoreError);
    expect((error as GraphStoreError).canRetry).toBe(true);
    expect((error as GraphStoreError).message).toContain('unique constraint violation');
    expect(driver.sent.filter(isDelete).length).toBeGreaterThan(2);
    await store.close();
  });

  it('does not run other client errors again', async () => {
    const driver = failingDeletes(1, () => serverFailure("line 1:1 mismatched input 'MATC'"));
    const store = await connect(driver);
    const error = await store.deleteEverything().catch((e: unknown) => e);
    expect((error as GraphStoreError).canRetry).toBe(false);
    expect(driver.sent.filter(isDelete)).toHaveLength(1);
    await store.close();
  });
});
