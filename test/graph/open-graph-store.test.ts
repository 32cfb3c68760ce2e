/** The Bolt adapter's own settings, taken from the app's configuration by the graph layer's own shape. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { boltSettings } from '../../src/graph/open/open-graph-store.js';

describe('boltSettings', () => {
  const config = loadConfig({
    env: {
      GRAPH_URL: 'bolt://neo4j:secret@graph.internal:7687',
      GRAPH_CONNECT_RETRIES: '7',
      BETWEENNESS_SAMPLE_PIVOTS: '64',
    },
    dotenv: false,
  });

  it('passes the connection, retries and algorithm settings through', () => {
    const url = config.graph.url ?? '';
    const settings = boltSettings(config, url, { command: 'test' });
    expect(settings).toMatchObject({
      url: 'bolt://graph.internal:7687',
      user: 'neo4j',
      password: 'secret',
      connectRetries: 7,
      betweennessSamplePivots: 64,
      readOnly: false,
    });
    expect(settings).not.toHaveProperty('onConnectRetry');
  });

  it('lets a one-shot command retry less than GRAPH_CONNECT_RETRIES, never more', () => {
    const url = config.graph.url ?? '';
    expect(boltSettings(config, url, { command: 'ask', maxConnectRetries: 2 }).connectRetries).toBe(2);
    expect(boltSettings(config, url, { command: 'ask', maxConnectRetries: 50 }).connectRetries).toBe(7);
    expect(boltSettings(config, url, { command: 'ask', readOnly: true }).readOnly).toBe(true);
  });
});
