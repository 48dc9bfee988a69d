/** A cluster as the inventory keeps it. Nodes, roles and SSH settings arrive with the Nodes issue. */
import { z } from 'zod';
import { ResourceName } from './names';

export const Cluster = z.object({
  id: z.string(),
  name: ResourceName,
  createdAt: z.string(),
  /** Filled by the Nodes feature; empty for a new cluster. */
  nodeCount: z.number().int().nonnegative(),
});
export type Cluster = z.infer<typeof Cluster>;
