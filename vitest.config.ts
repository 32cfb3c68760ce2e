import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/integration/**', '**/*.integration.test.ts', 'node_modules/**'],
    testTimeout: 20_000,
    pool: 'forks',
  },
});
