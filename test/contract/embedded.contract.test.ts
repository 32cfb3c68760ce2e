import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { EmbeddedGraphStore } from '../../src/graph/embedded/embedded-store.js';
import { graphStoreContract } from './graph-store.contract.js';

graphStoreContract('embedded (in memory)', () => Promise.resolve(EmbeddedGraphStore.inMemory()));

// The same contract on a store that writes snapshots, reopened from disk for every test.
const root = mkdtempSync(join(tmpdir(), 'twitchgraph-contract-'));
let counter = 0;
graphStoreContract('embedded (snapshot on disk)', async () => {
  counter += 1;
  return EmbeddedGraphStore.open({
    dataDir: join(root, String(counter)),
    command: 'contract test',
    snapshotMinIntervalMs: 0,
  });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
