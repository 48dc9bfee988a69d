/**
 * Starts Raydeck in browser mode exactly as a user would (`raydeck ui --json`, a real process with
 * its own $RAYDECK_HOME) and stops it by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface RunningRaydeck {
  url: string;
  origin: string;
  home: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const root = path.resolve(__dirname, '..', '..');

/**
 * `env` adds to the process environment (e.g. a throwaway HOME so ~/.ssh is the test's own). An
 * `env.RAYDECK_HOME` makes the app share that home (and its inventory) with the test's own core,
 * as the CLI and the app share one; it is then the caller's to remove.
 */
export async function startRaydeckUi(env: NodeJS.ProcessEnv = {}): Promise<RunningRaydeck> {
  const shared = env.RAYDECK_HOME;
  const home = shared ?? fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-e2e-'));
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/raydeck.js'), 'ui', '--port', '0', '--json'],
    {
      cwd: root,
      env: { ...process.env, ...env, RAYDECK_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`raydeck ui did not start in 30 s: ${stderr}`)),
      30_000,
    );
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl));
      }
    });
    child.once('exit', (code) => reject(new Error(`raydeck ui exited with ${code}: ${stderr}`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    origin: new URL(url).origin,
    home,
    process: child,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (!shared) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
