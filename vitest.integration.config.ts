import { defineConfig } from 'vitest/config';

// Integration tests talk to real servers: Neo4j and Kafka started from Maven Central jars by
// scripts/infra/*.sh (see the global setup files), on loopback. One file at a time: they share them.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts', 'test/contract/*.integration.test.ts'],
    globalSetup: ['test/integration/setup/neo4j.global.ts', 'test/integration/setup/kafka.global.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
