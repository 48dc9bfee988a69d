/** Unit and whole-app tests (fast, no servers outside the test): `npm run test:unit`. */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    include: ['{shared,core,electron,renderer,scripts,e2e/whole-app,e2e/hostile}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', '**/fixtures/**'],
    environment: 'node',
    testTimeout: 15_000,
    pool: 'threads',
    reporters: process.env.RAYDECK_TEST_REPORT ? ['default', ['json', { outputFile: process.env.RAYDECK_TEST_REPORT }]] : ['default'],
  },
});
