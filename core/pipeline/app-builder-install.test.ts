/**
 * ensureAppBuilder over fake nodes: nodes answer app-builder.py's protocol from memory (fast
 * coordination tests), and once over the real remote/scripts/app-builder.py run locally with its
 * own $HOME and a stand-in venv Python, so the core's input and the script's answers agree.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterNode } from '../bringup/fake-nodes.test-kit';
import type { NodeConnection, RunScriptOptions, ScriptResult } from '../ssh/types';
import { useTempHomes } from '../testing/temp-home';
import {
  defaultAppBuilderWheel,
  ensureAppBuilder,
  readAppBuilderWheel,
  shippedAppBuilderWheel,
  usesAppBuilder,
  type AppBuilderDeps,
} from './app-builder-install';

const newDir = useTempHomes();
const ROOT = path.resolve(import.meta.dirname, '..', '..');
const answer = (obj: unknown): ScriptResult => ({
  code: 0,
  stdout: `${JSON.stringify(obj)}\n`,
  stderr: '',
});

function wheelFile(version = '0.1.0', body = 'wheel bytes'): string {
  const file = path.join(newDir(), `raydeck_serve-${version}-py3-none-any.whl`);
  fs.writeFileSync(file, body);
  return file;
}

/** A node's venv as app-builder.py sees it, in memory. */
interface FakeVenv {
  venv: boolean;
  installed: string | null;
}

class FakeCluster {
  readonly uploads: string[] = [];
  readonly installs: Record<string, unknown>[] = [];
  readonly files = new Map<string, Buffer>();
  released = 0;
  constructor(readonly venvs: Record<string, FakeVenv>) {}

  deps(wheel: string): AppBuilderDeps {
    return {
      nodes: async () =>
        [
          clusterNode('h', 'head'),
          clusterNode('w1', 'worker'),
          { ...clusterNode('j', 'worker'), role: 'jump' as const },
        ].filter((n) => n.role === 'jump' || n.id in this.venvs),
      lease: async (id) => this.connection(id),
      wheel: () => readAppBuilderWheel(wheel),
    };
  }

  connection(id: string): NodeConnection {
    const venv = this.venvs[id]!;
    return {
      key: id,
      runScript: async (name: string, opts: RunScriptOptions = {}) => {
        expect(name).toBe('app-builder');
        const req = opts.input as Record<string, string>;
        if (req.action === 'version') return answer({ kind: 'result', ...venv });
        this.installs.push({ node: id, ...req });
        const sent = this.files.get(`${id}:${req.wheel}`);
        if (!sent || createHash('sha256').update(sent).digest('hex') !== req.sha256)
          return answer({ kind: 'result', error: 'sha256 differs', hint: 'apply again' });
        const previous = venv.installed;
        venv.installed = req.version!;
        return answer({ kind: 'result', venv: true, installed: req.version, previous });
      },
      uploadFile: async (local: string, remote: string) => {
        this.uploads.push(`${id}:${remote}`);
        this.files.set(`${id}:${remote}`, fs.readFileSync(local));
      },
      release: () => void (this.released += 1),
    } as unknown as NodeConnection;
  }
}

describe('usesAppBuilder', () => {
  it('is true when an application is built by raydeck_serve', () => {
    const app = (import_path: string) => ({ name: 'a', import_path });
    expect(usesAppBuilder({ applications: [app('x:y'), app('raydeck_serve.app:build')] })).toBe(
      true,
    );
    expect(usesAppBuilder({ applications: [app('ray.serve.llm:build_openai_app')] })).toBe(false);
    expect(usesAppBuilder({ applications: [app('raydeck_serve_fork.app:build')] })).toBe(false);
    expect(usesAppBuilder(null)).toBe(false);
  });
});

describe('ensureAppBuilder', () => {
  it('installs the wheel where the version differs, leaves nodes that have it, skips jump hosts', async () => {
    const cluster = new FakeCluster({
      h: { venv: true, installed: '0.0.9' },
      w1: { venv: true, installed: '0.1.0' },
    });
    const lines: string[] = [];
    const result = await ensureAppBuilder(cluster.deps(wheelFile()), 'c', {
      log: (l) => lines.push(l),
    });
    expect(result).toEqual([
      { nodeId: 'h', nodeName: 'h', previous: '0.0.9', installed: '0.1.0', changed: true },
      { nodeId: 'w1', nodeName: 'w1', previous: '0.1.0', installed: '0.1.0', changed: false },
    ]);
    expect(cluster.uploads).toEqual(['h:~/.raydeck/wheels/raydeck_serve-0.1.0-py3-none-any.whl']);
    expect(cluster.installs).toEqual([
      {
        node: 'h',
        action: 'install',
        wheel: '~/.raydeck/wheels/raydeck_serve-0.1.0-py3-none-any.whl',
        sha256: createHash('sha256').update('wheel bytes').digest('hex'),
        version: '0.1.0',
      },
    ]);
    expect(cluster.released).toBe(2);
    expect(lines).toContain('w1: raydeck_serve 0.1.0 is installed');
  });

  it('names each node that failed, after installing on the others', async () => {
    const cluster = new FakeCluster({
      h: { venv: true, installed: null },
      w1: { venv: false, installed: null },
    });
    await expect(ensureAppBuilder(cluster.deps(wheelFile()), 'c')).rejects.toThrow(
      /raydeck_serve 0\.1\.0 is not on 1 of 2 nodes — w1: there is no Raydeck venv/,
    );
    expect(cluster.venvs.h!.installed).toBe('0.1.0');
    expect(cluster.released).toBe(2);
  });

  it('passes on the node script refusal with its hint', async () => {
    const cluster = new FakeCluster({ h: { venv: true, installed: null } });
    const deps = cluster.deps(wheelFile());
    const lease = deps.lease;
    // The upload arrives damaged: the node refuses to install it.
    deps.lease = async (id) => {
      const conn = await lease(id);
      return { ...conn, uploadFile: async () => {} } as NodeConnection;
    };
    await expect(ensureAppBuilder(deps, 'c')).rejects.toThrow('h: sha256 differs (apply again)');
  });

  it('refuses a file that is not the app builder wheel', async () => {
    const file = path.join(newDir(), 'other-0.1.0-py3-none-any.whl');
    fs.writeFileSync(file, 'x');
    await expect(readAppBuilderWheel(file)).rejects.toThrow(/not a raydeck_serve-<version>/);
  });
  it("finds the wheel a packaged app ships in resources/app-builder, above the bundle's folder; the newest version", () => {
    const resources = newDir();
    const bundle = path.join(resources, 'app.asar', 'out', 'electron');
    fs.mkdirSync(bundle, { recursive: true });
    expect(shippedAppBuilderWheel(bundle)).toBeNull();
    fs.mkdirSync(path.join(resources, 'app-builder'));
    for (const f of [
      'raydeck_serve-0.9.0-py3-none-any.whl',
      'raydeck_serve-0.10.0-py3-none-any.whl',
      'notes.txt',
    ])
      fs.writeFileSync(path.join(resources, 'app-builder', f), 'x');
    expect(shippedAppBuilderWheel(bundle)).toBe(
      path.join(resources, 'app-builder', 'raydeck_serve-0.10.0-py3-none-any.whl'),
    );
  });
});

/** A node's $HOME on this machine, its venv's python a stand-in that answers like the real one. */
function scriptNode(home: string, installed: string | null): NodeConnection {
  const bin = path.join(home, '.raydeck', 'venv', 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const state = path.join(home, 'installed-version');
  if (installed) fs.writeFileSync(state, installed);
  fs.writeFileSync(
    path.join(bin, 'python'),
    [
      '#!/bin/bash',
      `if [ "$1" = "-c" ]; then cat "${state}" 2>/dev/null && echo || exit 1; exit 0; fi`,
      `if [ "$1 $2 $3" = "-m pip install" ]; then echo "$@" > "${home}/pip-args"; f="\${@: -1}"; v="\${f##*/raydeck_serve-}"; printf %s "\${v%%-py3-none-any.whl}" > "${state}"; exit 0; fi`,
      'exit 2',
    ].join('\n'),
    { mode: 0o755 },
  );
  const script = path.join(ROOT, 'remote', 'scripts', 'app-builder.py');
  const local = (p: string) => p.replace(/^~\//, `${home}/`);
  return {
    key: home,
    runScript: (_name: string, opts: RunScriptOptions = {}) =>
      new Promise<ScriptResult>((resolve, reject) => {
        const child = spawn('python3', [script], {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
        child.stdin.end(JSON.stringify(opts.input));
      }),
    uploadFile: async (from: string, to: string) => {
      fs.mkdirSync(path.dirname(local(to)), { recursive: true });
      fs.copyFileSync(from, local(to));
    },
    release: () => {},
  } as unknown as NodeConnection;
}

describe('ensureAppBuilder with the real app-builder.py', () => {
  it('checks, uploads and installs the way the node script expects', async () => {
    const homes = { h: newDir(), w1: newDir() };
    const conns = { h: scriptNode(homes.h, '0.0.1'), w1: scriptNode(homes.w1, '0.2.0') };
    const wheel = wheelFile('0.2.0', 'real bytes');
    const deps: AppBuilderDeps = {
      nodes: async () => [clusterNode('h', 'head'), clusterNode('w1', 'worker')],
      lease: async (id) => conns[id as 'h' | 'w1'],
      wheel: () => readAppBuilderWheel(wheel),
    };
    const result = await ensureAppBuilder(deps, 'c');
    expect(result.map((r) => [r.nodeName, r.previous, r.installed, r.changed])).toEqual([
      ['h', '0.0.1', '0.2.0', true],
      ['w1', '0.2.0', '0.2.0', false],
    ]);
    const pipArgs = fs.readFileSync(path.join(homes.h, 'pip-args'), 'utf8');
    expect(pipArgs).toContain('--no-deps --no-index --force-reinstall');
    expect(pipArgs.trim().endsWith('/.raydeck/wheels/raydeck_serve-0.2.0-py3-none-any.whl')).toBe(
      true,
    );
    expect(fs.existsSync(path.join(homes.w1, 'pip-args'))).toBe(false);
  });
});

describe('defaultAppBuilderWheel', () => {
  it("builds remote/raydeck_serve into a wheel of Raydeck's version", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const wheel = await defaultAppBuilderWheel(newDir())();
    expect(wheel.fileName).toBe(`raydeck_serve-${pkg.version}-py3-none-any.whl`);
    expect(execFileSync('unzip', ['-l', wheel.path], { encoding: 'utf8' })).toContain(
      'raydeck_serve/app.py',
    );
  });
});
