/**
 * `raydeck node check CLUSTER [--json]`: preflight on the cluster's Ray nodes (the nodes.check
 * operation, followed to its end), then a checklist per node — `PASS label: detail — hint` —
 * and exit 1 when any check failed. `--json` prints what nodes.preflight returns for them.
 */
import type { ClusterNode, NodePreflight } from '../../../shared';
import type { CliCommand } from '../cli-types';
import { EXIT_INTERRUPTED } from '../finish';
import { oneLine } from '../output';
import { cancelOperation, waitForOperation } from '../wait';
import { findClusterByName } from './node';

/** The checklist of one node, as people read it. */
export function checklistLines(
  node: Pick<ClusterNode, 'name' | 'role' | 'host'>,
  result: NodePreflight,
): string[] {
  return [
    `${node.name} (${node.role}, ${node.host})`,
    ...result.checks.map(
      (c) =>
        `  ${c.status.toUpperCase().padEnd(4)}  ${c.label}: ${c.detail}${c.hint ? ` — ${c.hint}` : ''}`,
    ),
  ];
}

/** The one-line reason for exit 1, or null when no check failed. */
export function failureReason(results: { name: string; result: NodePreflight }[]): string | null {
  const failing = results
    .map(({ name, result }) => ({ name, failed: result.checks.filter((c) => c.status === 'fail') }))
    .filter((r) => r.failed.length > 0);
  if (failing.length === 0) return null;
  return `preflight failed on ${failing.map((f) => `${f.name} (${f.failed.map((c) => c.label).join(', ')})`).join(', ')}`;
}

export const nodeCheckCommand: CliCommand = {
  words: ['node', 'check'],
  usage: 'raydeck node check CLUSTER [--json]',
  summary: "Run preflight on the cluster's Ray nodes and print each node's checklist.",
  details: [
    'Checks OS, CPU, memory, disk, Python, GPUs and driver, Ray, ports and whether workers reach the',
    'head, on every node except jump hosts. Each line: PASS|WARN|FAIL label: detail — hint.',
    '--json prints the results of nodes.preflight for the nodes checked.',
    'Exit 1 when any check failed (or a node could not be reached), 130 on Ctrl+C.',
  ],
  options: { json: { type: 'boolean' } },
  positionals: [{ name: 'CLUSTER', required: true }],
  async run({ values, positionals }, ctx) {
    const json = values.json === true;
    const client = ctx.client();
    const cluster = await findClusterByName(client, positionals[0]!);
    const rayNodes = (await client.call('nodes.list', { clusterId: cluster.id })).filter(
      (n) => n.role !== 'jump',
    );
    if (!json)
      ctx.io.out(
        `Checking ${rayNodes.length} node${rayNodes.length === 1 ? '' : 's'} of ${cluster.name}...`,
      );
    const { operationId } = await client.call('nodes.check', { clusterId: cluster.id });
    const op = await waitForOperation(client, operationId, {
      stopped: ctx.stopped,
      timeoutMs: 10 * 60_000,
    });
    if (op === 'stopped') {
      const cancelled = await cancelOperation(client, operationId);
      ctx.io.err(
        `raydeck: interrupted; the preflight checks were ${cancelled.state === 'cancelled' ? 'cancelled' : cancelled.state}`,
      );
      return EXIT_INTERRUPTED;
    }
    if (op.state !== 'succeeded')
      throw new Error(
        `preflight ${op.state === 'cancelled' ? 'was cancelled' : `failed: ${oneLine(op.error ?? 'no reason given')}`}`,
      );
    const latest = await client.call('nodes.preflight', { clusterId: cluster.id });
    const checked = rayNodes.flatMap((node) => {
      const result = latest.find((r) => r.nodeId === node.id);
      return result ? [{ node, result }] : [];
    });
    if (json)
      ctx.io.out(
        JSON.stringify(
          checked.map((c) => c.result),
          null,
          2,
        ),
      );
    else {
      for (const { node, result } of checked)
        for (const line of checklistLines(node, result)) ctx.io.out(line);
      const all = checked.flatMap((c) => c.result.checks);
      const count = (s: string) => all.filter((c) => c.status === s).length;
      ctx.io.out(
        `${checked.length} node${checked.length === 1 ? '' : 's'} checked: ${count('pass')} passed, ${count('warn')} warning${count('warn') === 1 ? '' : 's'}, ${count('fail')} failed`,
      );
    }
    const reason = failureReason(checked.map(({ node, result }) => ({ name: node.name, result })));
    if (!reason) return 0;
    ctx.io.err(`raydeck: ${reason}`);
    return 1;
  },
};
