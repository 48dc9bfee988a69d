/** Handlers of the pipeline editor: files, checks, compile, read-back, try (core/pipeline). */
import type { pipelineMethods } from '../../../shared/contract/pipeline-methods';
import {
  checkPipeline,
  compilePipeline,
  readBackPipelines,
  RaydeckError,
  type BringUpRun,
  type ClusterNodeGpus,
  type PipelineCheck,
} from '../../../shared';
import { clusterGpuNodes } from '../../pipeline/cluster-gpus';
import type { PipelineFiles } from '../../pipeline/pipeline-files';
import { tryPipeline, type PipelineTryDeps } from '../../pipeline/pipeline-try';
import type { CoreContext, HandlersFor } from '../core-context';

const NO_FACTS: PipelineCheck = {
  stageId: null,
  severity: 'warning',
  code: 'no-gpu-facts',
  message:
    "the cluster's nodes have not been checked yet, so GPUs per node, their memory and the VRAM fit are not checked",
  fix: 'run the preflight check of the cluster (Nodes page, or raydeck nodes check)',
};

export function pipelineHandlers(
  ctx: CoreContext,
  files: PipelineFiles,
  tryDeps: PipelineTryDeps,
  runs?: (clusterId: string) => Promise<BringUpRun[]>,
): HandlersFor<keyof typeof pipelineMethods> {
  /** The nodes' GPUs of the cluster (null: no cluster asked, or no facts yet). */
  async function nodesOf(clusterId: string | undefined): Promise<ClusterNodeGpus[] | null> {
    if (clusterId === undefined) return null;
    await ctx.inventory.get(clusterId);
    return clusterGpuNodes({ ...ctx, runs }, clusterId);
  }
  const withFacts = (clusterId: string | undefined, nodes: ClusterNodeGpus[] | null) =>
    clusterId !== undefined && nodes === null ? [NO_FACTS] : [];

  return {
    'pipeline.list': async () => files.list(),
    'pipeline.open': async ({ path }) => files.open(path),
    'pipeline.save': async ({ path, graph }) => files.save(path, graph),
    'pipeline.check': async ({ graph, clusterId }) => {
      const nodes = await nodesOf(clusterId);
      return {
        checks: [
          ...withFacts(clusterId, nodes),
          ...checkPipeline(graph, nodes ? { nodes } : undefined),
        ],
      };
    },
    'pipeline.compile': async ({ graph, clusterId, routePrefix }) => {
      const nodes = await nodesOf(clusterId);
      const out = compilePipeline(graph, {
        ...(nodes ? { cluster: { nodes } } : {}),
        ...(routePrefix ? { routePrefix } : {}),
      });
      return {
        yaml: out.yaml,
        checks: [...withFacts(clusterId, nodes), ...out.checks],
        refusal: out.refusal,
        nodes,
      };
    },
    'pipeline.readBack': async ({ yaml }) => {
      try {
        return { apps: readBackPipelines(yaml) };
      } catch (err) {
        throw new RaydeckError({ code: 'validation', message: (err as Error).message });
      }
    },
    'pipeline.try': async ({ clusterId, app, route, body, timeoutMs }) => {
      await ctx.inventory.get(clusterId);
      return tryPipeline(tryDeps, { clusterId, app, route, body, timeoutMs });
    },
  };
}
