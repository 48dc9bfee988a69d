/** `raydeck cluster create|list|rename|remove`: the cluster inventory from the command line. */
import { findClusterByName as findCluster } from './node';
import type { CliCommand } from '../cli-types';
import { printResult, table } from '../output';

export const clusterCommands: CliCommand[] = [
  {
    words: ['cluster', 'create'],
    usage: 'raydeck cluster create NAME [--json]',
    summary: 'Add an empty cluster to the inventory.',
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'NAME', required: true }],
    async run({ values, positionals }, ctx) {
      const cluster = await ctx.client().call('clusters.create', { name: positionals[0]! });
      printResult(ctx.io, values.json === true, cluster, () => [
        `Created cluster ${cluster.name} (${cluster.id})`,
      ]);
      return 0;
    },
  },
  {
    words: ['cluster', 'list'],
    usage: 'raydeck cluster list [--json]',
    summary: 'List the clusters in the inventory.',
    options: { json: { type: 'boolean' } },
    positionals: [],
    async run({ values }, ctx) {
      const clusters = await ctx.client().call('clusters.list', {});
      printResult(ctx.io, values.json === true, clusters, () =>
        clusters.length === 0
          ? ['No clusters yet. Add one with: raydeck cluster create NAME']
          : table(
              ['NAME', 'NODES', 'CREATED', 'ID'],
              clusters.map((c) => [c.name, String(c.nodeCount), c.createdAt, c.id]),
            ),
      );
      return 0;
    },
  },
  {
    words: ['cluster', 'rename'],
    usage: 'raydeck cluster rename NAME NEW_NAME [--json]',
    summary: 'Rename a cluster.',
    options: { json: { type: 'boolean' } },
    positionals: [
      { name: 'NAME', required: true },
      { name: 'NEW_NAME', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findCluster(client, positionals[0]!);
      const renamed = await client.call('clusters.rename', {
        id: cluster.id,
        name: positionals[1]!,
      });
      printResult(ctx.io, values.json === true, renamed, () => [
        `Renamed ${cluster.name} to ${renamed.name}`,
      ]);
      return 0;
    },
  },
  {
    words: ['cluster', 'remove'],
    usage: 'raydeck cluster remove NAME [--json]',
    summary: 'Remove a cluster from the inventory (its nodes are not touched).',
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'NAME', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findCluster(client, positionals[0]!);
      await client.call('clusters.remove', { id: cluster.id });
      printResult(ctx.io, values.json === true, { removed: cluster }, () => [
        `Removed cluster ${cluster.name}`,
      ]);
      return 0;
    },
  },
];
