/**
 * Cluster tests: the core against real sshd nodes of the shared testbed (`npm run test:cluster`,
 * root on Linux). One testbed per run, set up once in globalSetup; files run one at a time.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/cluster/**/*.cluster.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/support/testbed-global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    reporters: process.env.RAYDECK_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.RAYDECK_TEST_REPORT }]]
      : ['default'],
  },
});
