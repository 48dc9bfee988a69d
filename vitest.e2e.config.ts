/** End-to-end tests: the real app in browser mode, driven in Debian Chromium (`npm run test:e2e`). */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Some browser tests render real renderer components to HTML (React's automatic JSX runtime).
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['e2e/browser/**/*.e2e.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 90_000,
    fileParallelism: false,
    reporters: process.env.RAYDECK_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.RAYDECK_TEST_REPORT }]]
      : ['default'],
  },
});
