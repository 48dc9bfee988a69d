/**
 * The app version, read once from Raydeck's package.json (one source of truth for CLI, UI and
 * shell). Found by walking up from this file, so it works from source (tsx) and from the
 * bundled Electron main alike.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

export function raydeckVersion(): string {
  if (cached) return cached;
  let dir = path.dirname(
    typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url),
  );
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'raydeck' && pkg.version) return (cached = pkg.version);
    }
    dir = path.dirname(dir);
  }
  return (cached = '0.0.0-unknown');
}
