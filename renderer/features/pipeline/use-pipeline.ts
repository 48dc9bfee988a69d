/**
 * The Pipeline page's calls to the core (react-query): the pipelines the core knows, open and
 * save a pipeline file (or read a Serve config back into a graph), compile a graph for a
 * cluster, the cluster's GPUs for the checks, and one try-it request through the head.
 * Query keys live here.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import type { PipelineCheck, PipelineClusterFacts, PipelineGraph } from '../../../shared/pipeline';
import { useRaydeck } from '../../app/client-context';
import type { KnownPipelineFile } from './PathDialog';
import type { TryAnswer, TryRequest } from './TryPanel';

/**
 * The pipeline methods' shapes until shared/contract/pipeline-methods.ts lands (then this goes
 * and `client.call` is typed by the contract).
 */
interface PipelineCalls {
  'pipeline.list': { pipelines: { path: string; name: string }[] };
  'pipeline.open': { graph: PipelineGraph; path: string };
  'pipeline.save': { path: string };
  'pipeline.compile': { text: string; checks: PipelineCheck[] };
  'pipeline.clusterFacts': PipelineClusterFacts;
  'pipeline.try': TryAnswer;
}
function caller(client: ReturnType<typeof useRaydeck>) {
  return <M extends keyof PipelineCalls>(method: M, input: unknown) =>
    (client.call as unknown as (m: string, i: unknown) => Promise<PipelineCalls[M]>)(method, input);
}

export const pipelineKeys = {
  files: ['pipeline', 'files'] as const,
  facts: (clusterId: string) => ['pipeline', 'facts', clusterId] as const,
};

export function usePipelineFiles() {
  const call = caller(useRaydeck());
  return useQuery({
    queryKey: pipelineKeys.files,
    queryFn: async (): Promise<KnownPipelineFile[]> => {
      const r = await call('pipeline.list', {});
      return r.pipelines.map((p) => ({ path: p.path, name: p.name }));
    },
    staleTime: 10_000,
    retry: 0,
  });
}

export function useOpenPipeline() {
  const call = caller(useRaydeck());
  return useMutation({
    mutationFn: async (path: string): Promise<{ graph: PipelineGraph; path: string }> => {
      const r = await call('pipeline.open', { path });
      return { graph: r.graph, path: r.path };
    },
  });
}

export function useSavePipeline() {
  const call = caller(useRaydeck());
  return useMutation({
    mutationFn: (input: { path: string; graph: PipelineGraph }) => call('pipeline.save', input),
  });
}

export function useCompilePipeline(clusterId: string | null) {
  const call = caller(useRaydeck());
  return useMutation({
    mutationFn: (graph: PipelineGraph) =>
      call('pipeline.compile', { graph, ...(clusterId ? { clusterId } : {}) }),
  });
}

/** The cluster's nodes and their GPUs, as the checks take them (undefined: no cluster or unknown). */
export function useClusterFacts(clusterId: string | null) {
  const call = caller(useRaydeck());
  return useQuery({
    queryKey: pipelineKeys.facts(clusterId ?? ''),
    queryFn: async (): Promise<PipelineClusterFacts> =>
      call('pipeline.clusterFacts', { clusterId: clusterId! }),
    enabled: clusterId !== null,
    staleTime: 30_000,
    retry: 0,
  });
}

export function useTryPipeline(clusterId: string | null) {
  const call = caller(useRaydeck());
  return async (graph: PipelineGraph, req: TryRequest): Promise<TryAnswer> => {
    if (!clusterId) throw new Error('no cluster');
    const r = await call('pipeline.try', {
      clusterId,
      app: graph.name,
      route: req.route,
      body: req.body,
    });
    return r;
  };
}
