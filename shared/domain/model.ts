/**
 * Models a cluster serves, and where they come from: a Hugging Face repo the nodes fetch
 * themselves (nodes with internet), or a folder on this computer that Raydeck pushes to the
 * nodes over SFTP, checksummed, skipping files already there (air-gapped clusters). Either way
 * the model lands in one place per node, `~/.raydeck/models/<name>`, which Serve configs name.
 */
import { z } from 'zod';
import { ResourceName } from './names';

export const MODELS_DIR = '~/.raydeck/models';

export const HuggingFaceRepo = z
  .string({ error: 'must be text' })
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}\/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$/, {
    error: 'must look like org/name (letters, digits, "_", "." and "-")',
  });

export const ModelSource = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('huggingface'),
      repo: HuggingFaceRepo,
      /** A branch, tag or commit; default: the repo's main branch. */
      revision: z
        .string()
        .regex(/^[A-Za-z0-9][A-Za-z0-9_./-]{0,99}$/, { error: 'must be a branch, tag or commit' })
        .optional(),
    })
    .strict(),
  /** An absolute folder on this computer (config.json, weights, tokenizer files). */
  z
    .object({
      kind: z.literal('local'),
      dir: z
        .string({ error: 'must be text' })
        .min(1, { error: 'is required' })
        .max(4096)
        .refine((d) => !/[\n\r\0]/.test(d), { error: 'must not contain line breaks' }),
    })
    .strict(),
]);
export type ModelSource = z.infer<typeof ModelSource>;

export const ClusterModel = z.object({
  id: z.string(),
  clusterId: z.string(),
  /** Also the folder's name on the nodes; unique within the cluster. */
  name: ResourceName,
  source: ModelSource,
  createdAt: z.string(),
});
export type ClusterModel = z.infer<typeof ClusterModel>;

/** Where a model lives on every node, as Serve configs name it (`~` is the node user's home). */
export function modelDirOnNode(name: string): string {
  return `${MODELS_DIR}/${name}`;
}

/** One node's result of placing a model. */
export const ModelPlacement = z.object({
  nodeId: z.string(),
  nodeName: z.string(),
  /** The absolute folder on that node. */
  dir: z.string(),
  filesSent: z.number(),
  filesSkipped: z.number(),
  bytesSent: z.number(),
});
export type ModelPlacement = z.infer<typeof ModelPlacement>;
