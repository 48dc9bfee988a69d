/**
 * Finds the Electron binary WITHOUT triggering its download: `require('electron')` would fetch
 * it on first use (current electron packages have no postinstall), which fails on machines that
 * cannot reach Electron's release host. We read the package's path.txt ourselves instead.
 */
import fs from 'node:fs';
import path from 'node:path';

export type ElectronLookup = { found: true; binary: string } | { found: false; reason: string };

export function findElectronBinary(
  root: string,
  env: NodeJS.ProcessEnv = process.env,
): ElectronLookup {
  const pkgDir = path.join(root, 'node_modules', 'electron');
  if (!fs.existsSync(path.join(pkgDir, 'package.json')))
    return { found: false, reason: 'the electron package is not installed' };
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  const distDir = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  if (!relative && !env.ELECTRON_OVERRIDE_DIST_PATH)
    return { found: false, reason: 'the Electron binary is not downloaded' };
  const binary = path.join(distDir, relative || 'electron');
  if (!fs.existsSync(binary))
    return { found: false, reason: `the Electron binary is missing (${binary})` };
  return { found: true, binary };
}

/** Whether a desktop window can open here at all (Linux without a display cannot). */
export function hasDisplay(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
