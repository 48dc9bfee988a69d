/** Test helper: a throwaway $RAYDECK_HOME, removed after the test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function makeTempHome(): { home: string; cleanup(): void } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-home-'));
  return { home, cleanup: () => fs.rmSync(home, { recursive: true, force: true }) };
}
