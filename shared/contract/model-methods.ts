/** Methods on a cluster's models: list, add, remove, and place one on nodes (push or fetch). */
import { z } from 'zod';
import { defineMethod } from './define';
import { ClusterModel, ModelSource } from '../domain/model';
import { ResourceName } from '../domain/names';
import { OperationStarted } from '../domain/operation';
import { Id } from './primitives';

export const modelMethods = {
  'models.list': defineMethod({
    summary: "A cluster's models, oldest first.",
    input: z.object({ clusterId: Id }).strict(),
    output: z.array(ClusterModel),
  }),
  'models.add': defineMethod({
    summary:
      'Add a model to a cluster: a Hugging Face repo the nodes fetch, or a local folder Raydeck pushes.',
    input: z.object({ clusterId: Id, name: ResourceName, source: ModelSource }).strict(),
    output: ClusterModel,
  }),
  'models.remove': defineMethod({
    summary: 'Remove a model from the inventory (copies on the nodes stay).',
    input: z.object({ id: Id }).strict(),
    output: z.object({ removed: z.literal(true) }),
  }),
  'models.place': defineMethod({
    summary:
      'Put a model into ~/.raydeck/models/<name> on nodes (default: every Ray node): pushed over SFTP with checksums, or fetched by the nodes.',
    input: z.object({ id: Id, nodeIds: z.array(Id).min(1).max(256).optional() }).strict(),
    output: OperationStarted,
  }),
} as const;
