/**
 * `npm start`: the desktop window when the Electron binary is installed and a display exists;
 * otherwise browser mode, with one line saying why. `--browser` forces browser mode and
 * `--port N` picks its port. Builds the renderer/shell first if they are missing.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main as cli } from '../core/cli/main';
import { findElectronBinary, hasDisplay } from './start/electron-binary';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const portIndex = args.indexOf('--port');
const port = portIndex >= 0 ? args[portIndex + 1] : undefined;

function ensureBuilt(file: string, script: string) {
  if (fs.existsSync(path.join(root, file))) return;
  const r = spawnSync('npm', ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`raydeck: "npm run ${script}" failed; see above.`);
    process.exit(1);
  }
}

ensureBuilt('dist/renderer/index.html', 'build:renderer');
const electron = findElectronBinary(root);
let reason: string | null = null;
if (forceBrowser) reason = '--browser was given';
else if (!electron.found)
  reason = `${electron.reason} (run "npx install-electron" for the desktop window)`;
else if (!hasDisplay()) reason = 'no display is available for a desktop window';

if (reason === null && electron.found) {
  ensureBuilt('out/electron/main.cjs', 'build:electron');
  const child = spawn(electron.binary, [path.join(root, 'out/electron/main.cjs')], {
    stdio: 'inherit',
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Starting browser mode: ${reason}.`);
  process.exitCode = await cli(['ui', ...(port ? ['--port', port] : [])]);
}
