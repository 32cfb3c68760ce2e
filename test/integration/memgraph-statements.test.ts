/**
 * Every statement the Memgraph dialect sends, checked with Memgraph's own grammar
 * (`../shared/tools/memgraph-cypher-check/check`: Memgraph's ANTLR grammar and its clause-order rules; needs
 * java and mvn). No Memgraph server runs here, so the real BoltGraphStore runs over a recording driver
 * that reports Memgraph's agent (the store then picks the Memgraph dialect) and forwards what both servers
 * share to the integration suite's Neo4j, so that every method gets real answers and goes on to its later
 * statements. The Memgraph-only statements (index and constraint DDL, the MAGE calls) are recorded and
 * answered with no rows. All statements go to the checker in one call; one that Memgraph would not parse
 * fails the test.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Driver, ManagedTransaction, Session } from 'neo4j-driver';
import neo4j from 'neo4j-driver';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BoltGraphStore } from '../../src/graph/bolt/bolt-store.js';
import { MEMGRAPH } from '../../src/graph/bolt/dialect.js';
import type { GraphStore } from '../../src/graph/graph-store.port.js';
import { activity, seedSmallGraph, streamer } from '../contract/graph-store.contract.js';
import { boltSettings } from '../support/bolt.js';
import { MEMGRAPH_AGENT } from '../support/fake-bolt-driver.js';
import { sharedTool } from '../support/shared-tools.js';

const CHECK = sharedTool('tools/memgraph-cypher-check/check');

const memgraphOnly = (query: string) =>
  MEMGRAPH.schema.includes(query) || /\b(pagerank|betweenness_centrality)\.get\(/.test(query);

/** Wraps a real driver: records every statement, forwards the shared ones, answers Memgraph's own with nothing. */
function recordingDriver(real: Driver, sent: Set<string>): Driver {
  const answer = async (query: string, forward: () => Promise<unknown>): Promise<unknown> => {
    sent.add(query);
    return memgraphOnly(query) ? { records: [] } : forward();
  };
  const wrapTx = (tx: ManagedTransaction): ManagedTransaction =>
    ({
      run: (query: string, params?: Record<string, unknown>) => answer(query, () => tx.run(query, params)),
    }) as unknown as ManagedTransaction;
  const fake = {
    getServerInfo: async () => ({ ...(await real.getServerInfo()), agent: MEMGRAPH_AGENT }),
    session: (config?: Parameters<Driver['session']>[0]) => {
      const session: Session = real.session(config);
      return {
        run: (query: string, params?: Record<string, unknown>) =>
          answer(query, () => session.run(query, params)),
        executeRead: <T>(work: (tx: ManagedTransaction) => Promise<T>) =>
          session.executeRead((tx) => work(wrapTx(tx))),
        executeWrite: <T>(work: (tx: ManagedTransaction) => Promise<T>) =>
          session.executeWrite((tx) => work(wrapTx(tx))),
        close: () => session.close(),
      };
    },
    close: () => real.close(),
  };
  return fake as unknown as Driver;
}

/** Every method of the GraphStore port, on the contract suite's small graph, as its tests call them. */
async function driveEveryMethod(store: GraphStore): Promise<void> {
  await seedSmallGraph(store);
  await store.upsertStreamers([streamer('4', 'delta', { game: null, language: null })]);
  await store.applyChatActivity(
    [
      activity('2', 'vince', { messages: 3 }),
      activity('55', 'kim'),
      activity('77', 'sam', { channelLogin: 'dora' }),
    ],
    [{ group: 'g', topic: 't', partition: 0, from: '0', offset: '1' }],
  );
  await store.readOffsets('g', 't');
  await store.setMonitoredChannel('alpha', true, 'mod');
  await store.setMonitoredChannel('alpha', false, 'mod');
  await store.monitoredChannels();
  await store.topGames(5);
  await store.topTeams(5);
  await store.topRoleHolders('VIP', 5, { excludeLogins: ['nightbot'] });
  await store.topRoleHolders('MODERATOR', 5);
  await store.topStreamers('views', 5);
  await store.topStreamers('followers', 5);
  await store.findStreamer('alpha');
  await store.findStreamer('55');
  await store.neighbourhood('1', { chatterLimit: 5 });
  await store.neighbourhood('55', { chatterLimit: 5 });
  await store.streamersBy({ language: 'en', game: null });
  await store.streamersBy({ language: null, game: 'Chess' });
  await store.counts();
  for (const kind of ['streamer', 'game', 'language', 'team'] as const) await store.listNames(kind);
  await store.connections([
    { kind: 'Stream', name: 'alpha' },
    { kind: 'User', name: 'vince' },
    { kind: 'Stream', name: '#55' },
  ]);
  await store.pagerank({ limit: 5, excludeLogins: ['nightbot'] });
  await store.pagerank({ limit: 5, names: ['alpha'] });
  await store.betweenness({ limit: 5, excludeLogins: ['nightbot'] });
  await store.projection({ excludeLogins: ['nightbot'] });
  await store.accountPresence({ minChannels: 2, logins: ['yuri', 'nobody'] });
  await store.channelAudience('1');
  await store.presentIn('1', ['vince', 'nobody']);
  await store.audienceOverlap('1');
  await store.sharedAudienceGraph({ excludeLogins: ['nightbot'] });
  await store.accountHistory(['vince', 'nobody']);
  await store.setAlertRule({
    channel: 'alpha',
    discordChannel: '1',
    sensitivity: 'high',
    requestedBy: 'm',
    since: 1,
  });
  await store.alertRules();
  await store.saveAlert({
    id: 'a',
    channel: 'alpha',
    kind: 'raid',
    version: 1,
    openedAt: 1,
    updatedAt: 2,
    title: 't',
    accounts: 3,
    discordChannel: null,
    discordMessageId: null,
  });
  await store.alertRecord('a');
  await store.recentAlerts(5);
  await store.removeAlertRule('alpha');
  await store.flush();
}

interface CheckResult {
  checked: number;
  failures: string[];
}

/** One call for all statements (`check -` reads them separated by `;;` lines): the JVM starts once. */
function checkWithMemgraphGrammar(statements: readonly string[]): CheckResult {
  const run = spawnSync(CHECK, ['-'], {
    input: statements.join('\n;;\n'),
    encoding: 'utf8',
    timeout: 540_000,
  });
  const out = `${run.stdout}`;
  const summary = /checked (\d+), failed (\d+)/.exec(out);
  if (summary === null) throw new Error(`${CHECK} gave no summary (exit ${run.status}): ${run.stderr}`);
  const failures = out.split('\n').filter((line) => line.startsWith('FAIL'));
  return { checked: Number(summary[1]), failures };
}

describe('every statement of the Memgraph dialect parses with Memgraph’s grammar', () => {
  const real = neo4j.driver(inject('neo4jUrl'), undefined, { useBigInt: true });
  afterAll(async () => {
    await real.close();
  });

  it('records the statements through the real store and checks them in one call', async () => {
    expect(
      existsSync(CHECK),
      `${CHECK} is missing: the CI checkout must have ../shared beside the clone (or set SHARED_DIR)`,
    ).toBe(true);
    const sent = new Set<string>();
    const store = await BoltGraphStore.connect(boltSettings(inject('neo4jUrl')), () =>
      recordingDriver(real, sent),
    );
    try {
      expect(store.backend).toBe('memgraph');
      await store.deleteEverything();
      await driveEveryMethod(store);
    } finally {
      await store.close();
    }
    const statements = [...sent];
    // The Memgraph-only ones are among them: the DDL and both MAGE calls.
    for (const ddl of MEMGRAPH.schema) expect(statements).toContain(ddl);
    expect(statements.filter((q) => memgraphOnly(q) && !MEMGRAPH.schema.includes(q))).toHaveLength(2);

    const result = checkWithMemgraphGrammar(statements);
    console.log(
      `memgraph-cypher-check: ${result.checked} statements checked, ${result.failures.length} failing`,
    );
    expect(result.checked).toBe(statements.length);
    expect(result.failures).toEqual([]);
  });
});
