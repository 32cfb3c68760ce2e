import { defineConfig } from 'vitest/config';

// Integration tests talk to real Kafka and Neo4j started by scripts/infra/*.sh from global setup.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
