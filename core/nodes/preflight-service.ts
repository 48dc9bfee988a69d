/**
 * `nodes.check`: preflight on a cluster's Ray nodes, in parallel, as one operation with progress
 * per node and the checklist in its log. A node that cannot be reached gets a failed checklist
 * line instead of stopping the others. The GPU-mix check is made across the whole cluster once
 * every node has answered. Results are kept per cluster in $RAYDECK_HOME/preflight/.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NodePreflight, type ClusterNode, type CheckResult } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { OperationContext } from '../operations/operation-registry';
import { writeJsonAtomic } from '../storage/atomic-file';
import type { NodeAccess } from './node-access';
import { RAY_GCS_PORT } from './preflight';
import { runPreflight, type PreflightOutcome } from './preflight-run';

const Stored = z.array(NodePreflight);

export class PreflightService {
  constructor(
    private readonly dir: string,
    private readonly nodes: NodeInventory,
    private readonly access: NodeAccess,
  ) {}

  async latest(clusterId: string): Promise<NodePreflight[]> {
    try {
      const parsed = Stored.safeParse(JSON.parse(await fs.readFile(this.file(clusterId), 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async run(
    clusterId: string,
    nodeIds: string[] | undefined,
    op: OperationContext,
  ): Promise<NodePreflight[]> {
    const all = await this.nodes.list(clusterId);
    const rayNodes = all.filter((n) => n.role !== 'jump');
    const chosen = nodeIds ? rayNodes.filter((n) => nodeIds.includes(n.id)) : rayNodes;
    if (chosen.length === 0)
      throw new Error(
        'No Ray nodes to check: add a head and workers first (jump hosts are not checked).',
      );
    const head = rayNodes.find((n) => n.role === 'head');
    let done = 0;
    op.progress(0, `Checking ${chosen.length} node${chosen.length === 1 ? '' : 's'}`);
    const results = await Promise.all(
      chosen.map(async (node): Promise<NodePreflight> => {
        const result = await this.checkOne(node, head, op).catch((err: unknown) =>
          unreachable(node, err),
        );
        done += 1;
        op.progress(done / chosen.length, `${node.name}: ${summary(result.checks)}`);
        return result;
      }),
    );
    const merged = applyClusterGpuMix(results);
    for (const r of merged) {
      const name = chosen.find((n) => n.id === r.nodeId)?.name ?? r.nodeId;
      for (const c of r.checks)
        op.log(
          `${name}: ${c.status.toUpperCase()} ${c.label}: ${c.detail}${c.hint ? ` — ${c.hint}` : ''}`,
        );
    }
    const previous = (await this.latest(clusterId)).filter(
      (p) => !merged.some((m) => m.nodeId === p.nodeId) && all.some((n) => n.id === p.nodeId),
    );
    await writeJsonAtomic(this.file(clusterId), [...previous, ...merged]);
    return merged;
  }

  private async checkOne(
    node: ClusterNode,
    head: ClusterNode | undefined,
    op: OperationContext,
  ): Promise<PreflightOutcome> {
    const conn = await this.access.lease(node.id);
    try {
      const role = node.role === 'head' ? 'head' : 'worker';
      return await runPreflight(conn, {
        nodeId: node.id,
        role,
        ...(role === 'worker' && head ? { head: { host: head.host, port: RAY_GCS_PORT } } : {}),
        signal: op.signal,
      });
    } finally {
      conn.release();
    }
  }

  private file(clusterId: string): string {
    return path.join(this.dir, `${clusterId.replace(/[^A-Za-z0-9-]/g, '_')}.json`);
  }
}

function summary(checks: CheckResult[]): string {
  const fail = checks.filter((c) => c.status === 'fail').length;
  const warn = checks.filter((c) => c.status === 'warn').length;
  return fail ? `${fail} failed` : warn ? `${warn} warning${warn === 1 ? '' : 's'}` : 'all passed';
}

function unreachable(node: ClusterNode, err: unknown): NodePreflight {
  const message = err instanceof Error ? err.message : String(err);
  return {
    nodeId: node.id,
    at: new Date().toISOString(),
    gpus: [],
    checks: [
      {
        id: 'reach',
        label: 'Reach the node over SSH',
        status: 'fail',
        detail: message,
        hint: 'Fix the connection first (see the Connection column), then run the checks again.',
      },
    ],
  };
}

/** Replaces each node's GPU-mix line with one computed over every node checked. */
export function applyClusterGpuMix(results: NodePreflight[]): NodePreflight[] {
  const models = [...new Set(results.flatMap((r) => r.gpus.map((g) => g.name)))].sort();
  return results.map((r) => {
    const { facts: _facts, ...plain } = r as NodePreflight & { facts?: unknown };
    if (r.gpus.length === 0)
      return { ...plain, checks: r.checks.filter((c) => c.id !== 'gpu-mix') };
    const line: CheckResult =
      models.length > 1
        ? {
            id: 'gpu-mix',
            label: 'GPU models across the cluster',
            status: 'warn',
            detail: `the cluster mixes ${models.join(', ')}`,
            hint: "Pin each model's replicas to one GPU type (Serve `accelerator_type`), or Ray places them on any GPU.",
          }
        : {
            id: 'gpu-mix',
            label: 'GPU models across the cluster',
            status: 'pass',
            detail: `all GPUs are ${models[0]}`,
            hint: null,
          };
    return { ...plain, checks: [...r.checks.filter((c) => c.id !== 'gpu-mix'), line] };
  });
}
