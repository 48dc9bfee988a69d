/**
 * Puts a model into `~/.raydeck/models/<name>` on nodes, as one Operation with per-node progress:
 * - a local folder is hashed here once (sha256 per file), each node says which files it already
 *   has with the same bytes (remote/scripts/model-files.sh), only the others are streamed over
 *   SFTP (under a temporary name, then renamed), and the node verifies every file's checksum
 *   before sealing the folder (files the source no longer has are removed);
 * - a Hugging Face repo is fetched by the node itself (a detached job: `snapshot_download` in
 *   Raydeck's venv), which needs the node to reach the hub.
 * Nodes run in parallel; one failing does not stop the others; the operation fails naming them.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  RaydeckError,
  modelDirOnNode,
  type ClusterModel,
  type ClusterNode,
  type ModelPlacement,
} from '../../shared';
import { JobFailed, JobRefused, runJob } from '../bringup/remote-job';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { OperationContext, OperationRegistry } from '../operations/operation-registry';
import type { NodeConnection } from '../ssh/types';
import { resultLine } from '../ssh/connection/result-line';

export interface ModelFile {
  path: string;
  size: number;
  sha256: string;
  full: string;
}

export interface PlacementDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  operations: OperationRegistry;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The files of a local model folder, relative paths with `/`, hashed. Hidden entries (`.git`,
 * `.cache`) are left out, symlinks are followed only to files. Refuses a folder that is not a
 * model (no config.json).
 */
export async function localModelFiles(dir: string): Promise<ModelFile[]> {
  let stat;
  try {
    stat = await fs.stat(dir);
  } catch {
    throw new RaydeckError({
      code: 'validation',
      message: `The model folder ${dir} does not exist on this computer.`,
      issues: [{ path: 'source.dir', message: 'does not exist' }],
    });
  }
  if (!stat.isDirectory())
    throw new RaydeckError({
      code: 'validation',
      message: `${dir} is not a folder.`,
      issues: [{ path: 'source.dir', message: 'is not a folder' }],
    });
  const found: ModelFile[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const full = path.join(dir, relPath);
      const s = await fs.stat(full).catch(() => null);
      if (s?.isDirectory()) await walk(relPath);
      else if (s?.isFile())
        found.push({ path: relPath, size: s.size, sha256: await sha256(full), full });
    }
  };
  await walk('');
  if (!found.some((f) => f.path === 'config.json')) {
    throw new RaydeckError({
      code: 'validation',
      message: `${dir} has no config.json: it does not look like a model folder (Hugging Face layout).`,
      issues: [{ path: 'source.dir', message: 'has no config.json' }],
    });
  }
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

const MB = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function modelFiles(
  conn: NodeConnection,
  input: Record<string, unknown>,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const r = await conn.runScript('model-files', { input, signal });
  const json = (resultLine('model-files.sh', r.stdout) ?? {}) as Record<string, unknown>;
  if (typeof json.error === 'string') throw new Error(json.error);
  return json;
}

/** Pushes `files` to one node; `sent(bytes)` reports progress. */
async function pushTo(
  conn: NodeConnection,
  model: ClusterModel,
  files: ModelFile[],
  op: OperationContext,
  node: ClusterNode,
  sent: (bytes: number) => void,
): Promise<ModelPlacement> {
  const dir = modelDirOnNode(model.name);
  const wire = files.map(({ path: p, size, sha256: h }) => ({ path: p, size, sha256: h }));
  const check = await modelFiles(conn, { action: 'check', dir, files: wire }, op.signal);
  const states = (check.files ?? {}) as Record<string, string>;
  const todo = files.filter((f) => states[f.path] !== 'same');
  op.log(
    `${node.name}: ${files.length - todo.length} of ${files.length} files already there with the same checksum${todo.length ? `; sending ${todo.length} (${MB(todo.reduce((s, f) => s + f.size, 0))})` : ''}`,
  );
  let bytes = 0;
  for (const f of todo) {
    let last = 0;
    await conn.uploadFile(f.full, `${dir}/${f.path}`, {
      mode: 0o644,
      signal: op.signal,
      onProgress: (n) => {
        sent(n - last);
        last = n;
      },
    });
    sent(f.size - last);
    bytes += f.size;
  }
  const sealed = await modelFiles(conn, { action: 'seal', dir, files: wire }, op.signal);
  const removed = (sealed.removed as string[] | undefined) ?? [];
  op.log(
    `${node.name}: ${sealed.verified} files verified by sha256 in ${sealed.dir}${removed.length ? `; removed ${removed.length} the source no longer has` : ''}`,
  );
  return {
    nodeId: node.id,
    nodeName: node.name,
    dir: String(sealed.dir),
    filesSent: todo.length,
    filesSkipped: files.length - todo.length,
    bytesSent: bytes,
  };
}

/** Has one node fetch a Hugging Face repo into the model's folder. */
async function fetchOn(
  conn: NodeConnection,
  model: ClusterModel,
  op: OperationContext,
  node: ClusterNode,
): Promise<ModelPlacement> {
  if (model.source.kind !== 'huggingface') throw new Error('not a Hugging Face model');
  const dir = modelDirOnNode(model.name);
  try {
    await runJob(
      conn,
      {
        job: `model-${model.name}-${Date.now().toString(36)}`,
        step: 'model-fetch',
        params: {
          repo: model.source.repo,
          ...(model.source.revision ? { revision: model.source.revision } : {}),
          dir,
        },
      },
      { signal: op.signal, onLog: (line) => op.log(`${node.name}: ${line}`, 'stdout') },
    );
  } catch (err) {
    if (err instanceof JobFailed) {
      const last = err.logTail.trim().split('\n').filter(Boolean).at(-1) ?? `exit ${err.code}`;
      const why = /huggingface_hub is not installed/.test(last)
        ? ''
        : ' The node must reach Hugging Face (or a mirror set in HF_ENDPOINT); for an air-gapped cluster add the model as a local folder and Raydeck pushes it.';
      throw new Error(`fetching ${model.source.repo} failed: ${last.slice(0, 300)}.${why}`, {
        cause: err,
      });
    }
    if (err instanceof JobRefused) throw new Error(err.message, { cause: err });
    throw err;
  }
  op.log(`${node.name}: fetched ${model.source.repo} into ${dir}`);
  return { nodeId: node.id, nodeName: node.name, dir, filesSent: 0, filesSkipped: 0, bytesSent: 0 };
}

/** Starts placing `model` on `nodeIds` (default: every Ray node of its cluster); returns the operation id. */
export async function placeModel(
  deps: PlacementDeps,
  model: ClusterModel,
  nodeIds?: string[],
): Promise<string> {
  const all = (await deps.nodes.list(model.clusterId)).filter((n) => n.role !== 'jump');
  const targets = nodeIds ? all.filter((n) => nodeIds.includes(n.id)) : all;
  const unknown = (nodeIds ?? []).filter((id) => !all.some((n) => n.id === id));
  if (unknown.length)
    throw new RaydeckError({
      code: 'validation',
      message: `Not a Ray node of this cluster: ${unknown.join(', ')}.`,
      issues: [{ path: 'nodeIds', message: "must name Ray nodes of the model's cluster" }],
    });
  if (targets.length === 0)
    throw new RaydeckError({
      code: 'conflict',
      message: 'The cluster has no Ray nodes to place the model on.',
    });
  // Hash before the operation starts: a folder that is not a model is refused with the field named.
  const files = model.source.kind === 'local' ? await localModelFiles(model.source.dir) : null;
  const verb = files ? 'Push' : 'Fetch';
  return deps.operations.start(
    'model-place',
    `${verb} model ${model.name} to ${targets.length} node${targets.length === 1 ? '' : 's'}`,
    async (op) => {
      const total = files ? files.reduce((s, f) => s + f.size, 0) * targets.length : 0;
      let sent = 0;
      let done = 0;
      const failures: string[] = [];
      const placements: ModelPlacement[] = [];
      const report = (detail: string) =>
        op.progress(
          files
            ? total
              ? Math.min(1, sent / total)
              : done / targets.length
            : done / targets.length,
          detail,
        );
      report(
        files
          ? `Comparing ${files.length} files (${MB(total / targets.length)}) with the nodes`
          : `Fetching ${model.source.kind === 'huggingface' ? model.source.repo : ''} on ${targets.length} nodes`,
      );
      await Promise.all(
        targets.map(async (node) => {
          let conn: NodeConnection | null = null;
          try {
            conn = await deps.access.lease(node.id);
            const placed = files
              ? await pushTo(
                  conn,
                  model,
                  files,
                  op,
                  node,
                  (n) => (
                    (sent += n),
                    report(`${node.name}: sending, ${MB(sent)} of ${MB(total)} in all`)
                  ),
                )
              : await fetchOn(conn, model, op, node);
            placements.push(placed);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            failures.push(`${node.name}: ${message}`);
            op.log(`${node.name}: failed: ${message}`, 'stderr');
          } finally {
            conn?.release();
            done += 1;
            report(`${done} of ${targets.length} nodes done`);
          }
        }),
      );
      if (failures.length)
        throw new Error(
          `${failures.length} of ${targets.length} nodes failed — ${failures.join('; ')}`,
        );
      const sentFiles = placements.reduce((s, p) => s + p.filesSent, 0);
      const skipped = placements.reduce((s, p) => s + p.filesSkipped, 0);
      op.log(
        `${model.name} is on ${placements.map((p) => `${p.nodeName} (${p.dir})`).join(', ')}${files ? `: ${sentFiles} files sent, ${skipped} already there` : ''}`,
      );
    },
    { clusterId: model.clusterId },
  );
}
