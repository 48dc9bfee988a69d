/**
 * `raydeck node add|list|remove`: a cluster's nodes from the command line (import, connect,
 * trust and check live in node-import.ts, node-access.ts, node-check.ts). Clusters and nodes
 * are named by name (or id). Removing a worker of a running cluster drains it first.
 */
import {
  RaydeckError,
  type Cluster,
  type ClusterNode,
  type NodeAuth,
  type RaydeckClient,
} from '../../../shared';
import { UsageError, type CliCommand } from '../cli-types';
import { finishOperation } from '../finish';
import { printResult, table } from '../output';

export async function findClusterByName(client: RaydeckClient, nameOrId: string): Promise<Cluster> {
  const found = (await client.call('clusters.list', {})).find(
    (c) => c.name === nameOrId || c.id === nameOrId,
  );
  if (!found)
    throw new RaydeckError({ code: 'not_found', message: `No cluster named "${nameOrId}".` });
  return found;
}

export async function findNodeByName(
  client: RaydeckClient,
  clusterId: string,
  nameOrId: string,
): Promise<ClusterNode> {
  const found = (await client.call('nodes.list', { clusterId })).find(
    (n) => n.name === nameOrId || n.id === nameOrId,
  );
  if (!found)
    throw new RaydeckError({
      code: 'not_found',
      message: `No node named "${nameOrId}" in this cluster.`,
    });
  return found;
}

/** gpu-01.lab -> gpu-01; 10.0.0.5 -> 10-0-0-5 (an IP's first label would be a useless name). */
export function defaultNodeName(host: string): string {
  return /^[0-9.]+$/.test(host) || host.includes(':')
    ? host.replace(/[.:]+/g, '-').replace(/^-|-$/g, '')
    : host.split('.')[0]!;
}

function connectionText(n: {
  connection: { state: string; reason?: string; failure?: string };
}): string {
  const c = n.connection;
  return c.state === 'failed' ? `failed: ${c.failure}` : c.state;
}

export const nodeCommands: CliCommand[] = [
  {
    words: ['node', 'add'],
    usage:
      'raydeck node add CLUSTER --host H [--port P] [--user U] [--key PATH | --agent | --password] [--jump NODE] [--name N] [--role head|worker|jump] [--json]',
    summary: 'Add a node to a cluster.',
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      user: { type: 'string' },
      key: { type: 'string' },
      agent: { type: 'boolean' },
      password: { type: 'boolean' },
      jump: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      if (typeof values.host !== 'string') throw new UsageError('--host is required');
      const chosen = [
        values.key !== undefined,
        values.agent === true,
        values.password === true,
      ].filter(Boolean).length;
      if (chosen > 1) throw new UsageError('choose one of --key, --agent, --password');
      const auth: NodeAuth =
        typeof values.key === 'string'
          ? { kind: 'key', identityFile: values.key }
          : values.password
            ? { kind: 'password' }
            : values.agent
              ? { kind: 'agent' }
              : { kind: 'key', identityFile: '~/.ssh/id_ed25519' };
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const existing = await client.call('nodes.list', { clusterId: cluster.id });
      const jump =
        typeof values.jump === 'string'
          ? await findNodeByName(client, cluster.id, values.jump)
          : null;
      const port = values.port === undefined ? 22 : Number(values.port);
      const role =
        (values.role as 'head' | 'worker' | 'jump' | undefined) ??
        (existing.some((n) => n.role === 'head') ? 'worker' : 'head');
      const node = await client.call('nodes.add', {
        clusterId: cluster.id,
        name: typeof values.name === 'string' ? values.name : defaultNodeName(values.host),
        host: values.host,
        port,
        user: typeof values.user === 'string' ? values.user : (process.env.USER ?? 'root'),
        auth,
        jumpNodeId: jump?.id ?? null,
        role,
      });
      printResult(ctx.io, values.json === true, node, () => [
        `Added node ${node.name} (${node.user}@${node.host}:${node.port}, ${node.role}) to ${cluster.name}`,
      ]);
      return 0;
    },
  },
  {
    words: ['node', 'list'],
    usage: 'raydeck node list CLUSTER [--json]',
    summary: "List a cluster's nodes with their connection state.",
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const nodes = await client.call('nodes.list', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, nodes, () =>
        nodes.length === 0
          ? [
              `No nodes in ${cluster.name}. Add one with: raydeck node add ${cluster.name} --host HOST`,
            ]
          : table(
              ['NAME', 'ADDRESS', 'USER', 'ROLE', 'CONNECTION'],
              nodes.map((n) => [n.name, `${n.host}:${n.port}`, n.user, n.role, connectionText(n)]),
            ),
      );
      return 0;
    },
  },
  {
    words: ['node', 'remove'],
    usage: 'raydeck node remove CLUSTER NODE [--inventory-only] [--json]',
    summary: 'Remove a node; a worker of a running cluster is drained and Ray stopped on it first.',
    details: [
      'For a worker, cluster status is asked first: when the cluster is running, the worker is drained',
      '(Ray moves its work elsewhere), Ray is stopped on it, then it leaves the inventory.',
      'Otherwise (or with --inventory-only) it only leaves the inventory: nothing on the node is touched.',
    ],
    options: { 'inventory-only': { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NODE', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const node = await findNodeByName(client, cluster.id, positionals[1]!);
      if (node.role === 'worker' && values['inventory-only'] !== true) {
        const status = await client.call('cluster.status', { clusterId: cluster.id });
        if (status.state === 'running') {
          if (values.json !== true)
            ctx.io.out(`${cluster.name} is running: draining ${node.name} before removing it`);
          const { operationId } = await client.call('cluster.removeWorker', { nodeId: node.id });
          return finishOperation(ctx, operationId, {
            json: values.json === true,
            timeoutMs: 30 * 60_000,
            showProgress: true,
            done: `Drained ${node.name}, stopped Ray on it and removed it from ${cluster.name}`,
          });
        }
      }
      await client.call('nodes.remove', { id: node.id });
      printResult(ctx.io, values.json === true, { removed: node }, () => [
        `Removed node ${node.name} from ${cluster.name}`,
      ]);
      return 0;
    },
  },
];
