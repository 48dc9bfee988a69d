/** Methods on the cluster inventory. */
import { z } from 'zod';
import { defineMethod } from './define';
import { Cluster } from '../domain/cluster';
import { ResourceName } from '../domain/names';
import { Id, NoInput } from './primitives';

export const clusterMethods = {
  'clusters.list': defineMethod({
    summary: 'All clusters in the inventory, oldest first.',
    input: NoInput,
    output: z.array(Cluster),
  }),
  'clusters.create': defineMethod({
    summary: 'Add an empty cluster to the inventory.',
    input: z.object({ name: ResourceName }).strict(),
    output: Cluster,
  }),
  'clusters.rename': defineMethod({
    summary: 'Rename a cluster.',
    input: z.object({ id: Id, name: ResourceName }).strict(),
    output: Cluster,
  }),
  'clusters.remove': defineMethod({
    summary: 'Remove a cluster from the inventory (nothing on its nodes is touched).',
    input: z.object({ id: Id }).strict(),
    output: z.object({ removed: z.literal(true) }),
  }),
} as const;
