/** `raydeck model add|list|place|remove`: a cluster's models, and putting them on its nodes. */
import path from 'node:path';
import {
  RaydeckError,
  type ClusterModel,
  type ModelSource,
  type RaydeckClient,
} from '../../../shared';
import { UsageError, type CliCommand } from '../cli-types';
import { finishOperation } from '../finish';
import { printResult, table } from '../output';
import { findClusterByName, findNodeByName } from './node';

const MINUTE = 60_000;

async function findModel(
  client: RaydeckClient,
  clusterId: string,
  name: string,
): Promise<ClusterModel> {
  const found = (await client.call('models.list', { clusterId })).find(
    (m) => m.name === name || m.id === name,
  );
  if (!found)
    throw new RaydeckError({
      code: 'not_found',
      message: `No model named "${name}" in this cluster (see raydeck model list).`,
    });
  return found;
}

const describeSource = (s: ModelSource) =>
  s.kind === 'local'
    ? `local folder ${s.dir}`
    : `Hugging Face ${s.repo}${s.revision ? `@${s.revision}` : ''}`;

export const modelCommands: CliCommand[] = [
  {
    words: ['model', 'add'],
    usage: 'raydeck model add CLUSTER NAME (--dir DIR | --hf ORG/NAME [--revision REV]) [--json]',
    summary:
      'Add a model to a cluster: a local folder Raydeck pushes to the nodes, or a Hugging Face repo the nodes fetch.',
    details: [
      'On every node the model lives in ~/.raydeck/models/NAME; put it there with raydeck model place.',
    ],
    options: {
      dir: { type: 'string' },
      hf: { type: 'string' },
      revision: { type: 'string' },
      json: { type: 'boolean' },
    },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NAME', required: true },
    ],
    async run({ values, positionals }, ctx) {
      if ((typeof values.dir === 'string') === (typeof values.hf === 'string'))
        throw new UsageError('give exactly one of --dir DIR or --hf ORG/NAME');
      if (values.revision !== undefined && typeof values.hf !== 'string')
        throw new UsageError('--revision goes with --hf');
      const source: ModelSource =
        typeof values.dir === 'string'
          ? { kind: 'local', dir: path.resolve(values.dir) }
          : {
              kind: 'huggingface',
              repo: String(values.hf),
              ...(typeof values.revision === 'string' ? { revision: values.revision } : {}),
            };
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const model = await client.call('models.add', {
        clusterId: cluster.id,
        name: positionals[1]!,
        source,
      });
      printResult(ctx.io, values.json === true, model, () => [
        `Added model ${model.name} (${describeSource(model.source)}) to ${cluster.name}`,
      ]);
      return 0;
    },
  },
  {
    words: ['model', 'list'],
    usage: 'raydeck model list CLUSTER [--json]',
    summary: "A cluster's models and where they come from.",
    options: { json: { type: 'boolean' } },
    positionals: [{ name: 'CLUSTER', required: true }],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const models = await client.call('models.list', { clusterId: cluster.id });
      printResult(ctx.io, values.json === true, models, () =>
        models.length === 0
          ? [
              `No models in ${cluster.name} yet. Add one with: raydeck model add ${cluster.name} NAME --dir DIR`,
            ]
          : table(
              ['NAME', 'SOURCE', 'ON THE NODES'],
              models.map((m) => [m.name, describeSource(m.source), `~/.raydeck/models/${m.name}`]),
            ),
      );
      return 0;
    },
  },
  {
    words: ['model', 'place'],
    usage: 'raydeck model place CLUSTER NAME [--nodes NODE,...] [--json]',
    summary:
      'Put a model into ~/.raydeck/models/NAME on the nodes: pushed over SFTP (checksummed, files already there skipped) or fetched by the nodes.',
    options: { nodes: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NAME', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const model = await findModel(client, cluster.id, positionals[1]!);
      const names =
        typeof values.nodes === 'string'
          ? values.nodes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
      const nodeIds = await Promise.all(
        names.map(async (n) => (await findNodeByName(client, cluster.id, n)).id),
      );
      const { operationId } = await client.call('models.place', {
        id: model.id,
        ...(nodeIds.length ? { nodeIds } : {}),
      });
      return finishOperation(ctx, operationId, {
        json: values.json === true,
        timeoutMs: 120 * MINUTE,
        showProgress: true,
        done: `${model.name} is in ~/.raydeck/models/${model.name} on ${nodeIds.length || 'every'} node${nodeIds.length === 1 ? '' : 's'}`,
      });
    },
  },
  {
    words: ['model', 'remove'],
    usage: 'raydeck model remove CLUSTER NAME',
    summary: 'Remove a model from the inventory (copies on the nodes stay).',
    options: {},
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NAME', required: true },
    ],
    async run({ positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const model = await findModel(client, cluster.id, positionals[1]!);
      await client.call('models.remove', { id: model.id });
      ctx.io.out(`Removed model ${model.name} from ${cluster.name}`);
      return 0;
    },
  },
];
