/**
 * Raydeck's Serve app builder on a cluster's nodes (issue 17, DESIGN.md "the serving half"): a
 * config whose `import_path` is `raydeck_serve.…` needs the `raydeck_serve` package, versioned
 * with Raydeck, in every node's `~/.raydeck/venv` (Serve builds the app on one node and starts
 * replicas on any). `ensureAppBuilder` asks each Ray node which version its venv imports
 * (remote/scripts/app-builder.py, no shell and no input on a command line) and, where it is not
 * this wheel's, uploads the wheel over SFTP to `~/.raydeck/wheels/` and has the node pip-install
 * that file alone (--no-deps --no-index; the script checks its sha256 first). Nodes run in
 * parallel; one failing does not stop the others; the error names every node that failed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClusterNode } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { OperationContext } from '../operations/operation-registry';
import type { NodeConnection } from '../ssh/types';
import { scriptJson } from '../ssh/connection/remote-scripts';

/** Configs whose application import paths start with this need the app builder on the nodes. */
export const APP_BUILDER_PACKAGE = 'raydeck_serve';
/** Where the wheel goes on a node before pip installs it (app-builder.py accepts only this folder). */
export const REMOTE_WHEELS = '~/.raydeck/wheels';
const WHEEL_NAME = /^raydeck_serve-([0-9][0-9A-Za-z.+]{0,40})-py3-none-any\.whl$/;

/** The wheel this Raydeck ships (scripts/pipeline/build_wheel.py). */
export interface AppBuilderWheel {
  path: string;
  fileName: string;
  version: string;
  sha256: string;
}

export interface AppBuilderOnNode {
  nodeId: string;
  nodeName: string;
  /** The version the node's venv imported before (null: none). */
  previous: string | null;
  installed: string;
  changed: boolean;
}

export interface AppBuilderDeps {
  /** The cluster's nodes (jump hosts are left out here). */
  nodes(clusterId: string): Promise<ClusterNode[]>;
  /** A ready connection to a node; the caller releases it. */
  lease(nodeId: string): Promise<NodeConnection>;
  /** The wheel to install (located or built on first use). */
  wheel(): Promise<AppBuilderWheel>;
}

export interface EnsureOptions {
  signal?: AbortSignal;
  log?(line: string): void;
}

/** Whether a Serve config (parsed) has an application built by Raydeck's app builder. */
export function usesAppBuilder(body: unknown): boolean {
  const apps = (body as { applications?: unknown } | null)?.applications;
  return (
    Array.isArray(apps) &&
    apps.some((app) => {
      const importPath = (app as { import_path?: unknown } | null)?.import_path;
      return typeof importPath === 'string' && importPath.startsWith(`${APP_BUILDER_PACKAGE}.`);
    })
  );
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Reads a wheel file's name, version and sha256; refuses a file that is not the app builder's wheel. */
export async function readAppBuilderWheel(file: string): Promise<AppBuilderWheel> {
  const fileName = path.basename(file);
  const m = WHEEL_NAME.exec(fileName);
  if (!m)
    throw new Error(`app builder: ${fileName} is not a raydeck_serve-<version>-py3-none-any.whl`);
  await fs.access(file).catch(() => {
    throw new Error(`app builder: the wheel ${file} does not exist`);
  });
  return { path: file, fileName, version: m[1]!, sha256: await sha256Of(file) };
}

const here = () =>
  path.dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));

/** The repository root above this file (source or bundle), or null in a build without it. */
function repoRoot(): string | null {
  let dir = here();
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'scripts', 'pipeline', 'build_wheel.py'))) return dir;
    dir = path.dirname(dir);
  }
  return null;
}

/**
 * The wheel a packaged app ships: `app-builder/raydeck_serve-*.whl` in a folder above `from`
 * (electron-builder's extraResources put it in `resources/`, above `resources/app.asar/out/electron`
 * where the bundle runs; `npm run package` builds it). The newest version when there are several.
 */
export function shippedAppBuilderWheel(from: string = here()): string | null {
  let dir = from;
  for (let i = 0; i < 6; i++) {
    const folder = path.join(dir, 'app-builder');
    if (existsSync(folder)) {
      const wheels = readdirSync(folder)
        .filter((f) => WHEEL_NAME.test(f))
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
      if (wheels.length) return path.join(folder, wheels[wheels.length - 1]!);
    }
    dir = path.dirname(dir);
  }
  return null;
}

/**
 * The wheel this Raydeck installs: `$RAYDECK_APP_BUILDER_WHEEL` when set, else the one a packaged
 * app ships (shippedAppBuilderWheel), else built from remote/raydeck_serve by scripts/pipeline/build_wheel.py into
 * `outDir` (python3, standard library only, about a second; the same bytes every time).
 */
export function defaultAppBuilderWheel(outDir: string): () => Promise<AppBuilderWheel> {
  let built: Promise<AppBuilderWheel> | null = null;
  return () => {
    const shipped = process.env.RAYDECK_APP_BUILDER_WHEEL;
    if (shipped) return readAppBuilderWheel(shipped);
    built ??= new Promise<string>((resolve, reject) => {
      const root = repoRoot();
      const packaged = root ? null : shippedAppBuilderWheel();
      if (packaged) {
        resolve(packaged);
        return;
      }
      if (!root) {
        reject(
          new Error(
            'app builder: this Raydeck has no raydeck_serve wheel (set RAYDECK_APP_BUILDER_WHEEL to its file)',
          ),
        );
        return;
      }
      execFile(
        'python3',
        [path.join(root, 'scripts', 'pipeline', 'build_wheel.py'), outDir],
        { timeout: 60_000 },
        (err, stdout, stderr) =>
          err
            ? reject(
                new Error(
                  `app builder: building the wheel failed: ${stderr.trim() || err.message}`,
                ),
              )
            : resolve((JSON.parse(stdout) as { wheel: string }).wheel),
      );
    })
      .then(readAppBuilderWheel)
      .catch((err: unknown) => {
        built = null; // a later apply tries again
        throw err;
      });
    return built;
  };
}

interface ScriptAnswer {
  venv?: boolean;
  installed?: string | null;
  previous?: string | null;
  error?: string;
  hint?: string;
}

async function appBuilderScript(
  conn: NodeConnection,
  input: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<ScriptAnswer> {
  const answer = scriptJson(
    'app-builder.py',
    await conn.runScript('app-builder', { input, ...(signal ? { signal } : {}) }),
  ) as ScriptAnswer;
  if (typeof answer?.error === 'string')
    throw new Error(`${answer.error}${answer.hint ? ` (${answer.hint})` : ''}`);
  return answer;
}

/** One node: check, and install when its version differs. */
async function ensureOn(
  conn: NodeConnection,
  node: ClusterNode,
  wheel: AppBuilderWheel,
  opts: EnsureOptions,
): Promise<AppBuilderOnNode> {
  const before = await appBuilderScript(conn, { action: 'version' }, opts.signal);
  const previous = before.installed ?? null;
  if (previous === wheel.version) {
    opts.log?.(`${node.name}: raydeck_serve ${previous} is installed`);
    return { nodeId: node.id, nodeName: node.name, previous, installed: previous, changed: false };
  }
  if (!before.venv)
    throw new Error(
      'there is no Raydeck venv (~/.raydeck/venv) on this node: bring the cluster up first',
    );
  const remote = `${REMOTE_WHEELS}/${wheel.fileName}`;
  opts.log?.(
    `${node.name}: raydeck_serve ${previous ?? 'is not installed'}${previous ? ' is installed' : ''}; sending ${wheel.fileName}`,
  );
  await conn.uploadFile(wheel.path, remote, {
    mode: 0o644,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const after = await appBuilderScript(
    conn,
    { action: 'install', wheel: remote, sha256: wheel.sha256, version: wheel.version },
    opts.signal,
  );
  opts.log?.(`${node.name}: raydeck_serve ${after.installed} installed into ~/.raydeck/venv`);
  return {
    nodeId: node.id,
    nodeName: node.name,
    previous,
    installed: String(after.installed),
    changed: true,
  };
}

/**
 * Makes every Ray node of the cluster import this Raydeck's raydeck_serve; returns what each
 * node had and has. Throws naming each node that failed (after all nodes were tried).
 */
export async function ensureAppBuilder(
  deps: AppBuilderDeps,
  clusterId: string,
  opts: EnsureOptions = {},
): Promise<AppBuilderOnNode[]> {
  const wheel = await deps.wheel();
  const nodes = (await deps.nodes(clusterId)).filter((n) => n.role !== 'jump');
  if (nodes.length === 0) throw new Error('app builder: the cluster has no Ray nodes');
  const results: AppBuilderOnNode[] = [];
  const failures: string[] = [];
  await Promise.all(
    nodes.map(async (node) => {
      let conn: NodeConnection | null = null;
      try {
        conn = await deps.lease(node.id);
        results.push(await ensureOn(conn, node, wheel, opts));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${node.name}: ${message}`);
        opts.log?.(`${node.name}: the app builder could not be installed: ${message}`);
      } finally {
        conn?.release();
      }
    }),
  );
  if (failures.length)
    throw new Error(
      `raydeck_serve ${wheel.version} is not on ${failures.length} of ${nodes.length} nodes — ${failures.sort().join('; ')}`,
    );
  return results.sort((a, b) => a.nodeName.localeCompare(b.nodeName));
}

/**
 * The Serve apply's `beforePut` (core/serve/serve-apply.ts): a config with a `raydeck_serve.`
 * import path gets the app builder onto every Ray node of the cluster first; others pass.
 */
export function appBuilderBeforePut(
  nodes: NodeInventory,
  access: NodeAccess,
  wheelDir: string,
): (clusterId: string, body: unknown, op: OperationContext) => Promise<void> {
  const wheel = defaultAppBuilderWheel(wheelDir);
  return async (clusterId, body, op) => {
    if (!usesAppBuilder(body)) return;
    op.progress(0.02, 'Checking the pipeline app builder (raydeck_serve) on the nodes');
    await ensureAppBuilder(
      { nodes: (id) => nodes.list(id), lease: (id) => access.lease(id), wheel },
      clusterId,
      { signal: op.signal, log: (line) => op.log(line) },
    );
  };
}
