/** Unit and whole-app tests (fast, no servers outside the test): `npm run test:unit`. */
import { defineConfig } from 'vitest/config';

const ALL = [
  '{shared,core,electron,renderer,scripts,e2e/whole-app,e2e/hostile,e2e/support}/**/*.test.{ts,tsx}',
];
const EXCLUDE = ['**/node_modules/**', '**/fixtures/**'];
// node-pty is a native addon that is not safe to unload with a worker thread: a file that opens
// local ptys aborted the whole run once ("terminate called after throwing an instance of
// 'Napi::Error'") when its thread was torn down. Those files run in child processes instead.
const PTY = ['core/terminal/**/*.test.ts'];

export default defineConfig({
  esbuild: { jsx: 'automatic' },
  test: {
    environment: 'node',
    testTimeout: 15_000,
    reporters: process.env.RAYDECK_TEST_REPORT
      ? ['default', ['json', { outputFile: process.env.RAYDECK_TEST_REPORT }]]
      : ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...EXCLUDE, ...PTY],
          pool: 'threads',
          setupFiles: ['e2e/support/dom-timeouts.ts'],
        },
      },
      { extends: true, test: { name: 'pty', include: PTY, exclude: EXCLUDE, pool: 'forks' } },
    ],
  },
});
