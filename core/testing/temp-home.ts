/** Test helper: throwaway $RAYDECK_HOME folders, removed after each test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

export function makeTempHome(): { home: string; cleanup(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-home-'));
  return {
    home,
    cleanup: () => fs.rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }),
  };
}

/** Call at the top of a test file; the returned function makes a folder that is removed after each test. */
export function useTempHomes(): () => string {
  const made: { cleanup(): void }[] = [];
  afterEach(() => made.splice(0).forEach((h) => h.cleanup()));
  return () => {
    const h = makeTempHome();
    made.push(h);
    return h.home;
  };
}
