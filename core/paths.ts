/**
 * Where Raydeck keeps its state: `$RAYDECK_HOME`, else the platform's config folder.
 * Tests and users keep separate worlds by pointing RAYDECK_HOME elsewhere.
 */
import os from 'node:os';
import path from 'node:path';

export function resolveRaydeckHome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homedir: string = os.homedir(),
): string {
  const explicit = env.RAYDECK_HOME?.trim();
  if (explicit) return path.resolve(explicit);
  switch (platform) {
    case 'darwin':
      return path.join(homedir, 'Library', 'Application Support', 'Raydeck');
    case 'win32':
      return path.join(env.APPDATA || path.join(homedir, 'AppData', 'Roaming'), 'Raydeck');
    default:
      return path.join(env.XDG_CONFIG_HOME || path.join(homedir, '.config'), 'raydeck');
  }
}

/** The files and folders under the home, named once. */
export function statePaths(home: string) {
  return {
    home,
    inventory: path.join(home, 'inventory.json'),
    knownHosts: path.join(home, 'known_hosts'),
    secrets: path.join(home, 'secrets.json'),
    operations: path.join(home, 'operations'),
    preflight: path.join(home, 'preflight'),
    bringup: path.join(home, 'bringup'),
    history: path.join(home, 'history'),
    /** Saved pipelines of the editor (`*.pipeline.yaml`, core/pipeline). */
    pipelines: path.join(home, 'pipelines'),
    /** Unexpected errors with their stack traces (core/app/debug-log). */
    debugLog: path.join(home, 'logs', 'debug.log'),
  };
}
export type StatePaths = ReturnType<typeof statePaths>;
