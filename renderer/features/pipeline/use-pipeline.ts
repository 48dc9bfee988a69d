/**
 * The Pipeline page's calls to the core (react-query; shared/contract/pipeline-methods.ts): the
 * saved pipelines, open and save a pipeline file, read a Serve config back into graphs, compile a
 * graph (with a cluster: checked against its nodes' GPUs), and one try-it request through the
 * head. Query keys live here.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { appNameOf, type PipelineGraph } from '../../../shared/pipeline';
import { useRaydeck } from '../../app/client-context';
import { serveKeys } from '../serve';
import type { KnownPipelineFile, RunningApp } from './OpenDialog';
import type { TryAnswer, TryRequest } from './TryPanel';

export const pipelineKeys = {
  files: ['pipeline', 'files'] as const,
};

export function usePipelineFiles(enabled: boolean) {
  const client = useRaydeck();
  return useQuery({
    queryKey: pipelineKeys.files,
    queryFn: async (): Promise<KnownPipelineFile[]> =>
      (await client.call('pipeline.list', {})).map((p) => ({ path: p.path, name: p.name })),
    enabled,
    staleTime: 5_000,
    retry: 0,
  });
}

export function useOpenPipeline() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (path: string) => client.call('pipeline.open', { path }),
  });
}

export function useSavePipeline() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (input: { path: string; graph: PipelineGraph }) =>
      client.call('pipeline.save', input),
  });
}

/** A Serve config's text read back as graphs, one per application. */
export function useReadBack() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: async (yaml: string) => (await client.call('pipeline.readBack', { yaml })).apps,
  });
}

/** Compile; a refusal (a check with an error) resolves with `yaml: null` and the reasons. */
export function useCompilePipeline(clusterId: string | null) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (graph: PipelineGraph) =>
      client.call('pipeline.compile', { graph, ...(clusterId ? { clusterId } : {}) }),
  });
}

export function useTryPipeline(clusterId: string | null) {
  const client = useRaydeck();
  return async (graph: PipelineGraph, req: TryRequest): Promise<TryAnswer> => {
    if (!clusterId) throw new Error('Pick a cluster first.');
    const r = await client.call('pipeline.try', {
      clusterId,
      app: appNameOf(graph),
      route: req.route,
      body: req.body,
    });
    const body = r.body as { origin?: unknown } | null;
    return {
      status: r.status,
      body: r.body,
      timingsMs: r.timings_ms,
      origin: body && typeof body.origin === 'string' ? body.origin : null,
      elapsedMs: r.elapsedMs,
      path: r.path,
    };
  };
}

/** The declarative applications the cluster runs now (Serve's status, shared with the Serve page's cache). */
export function useRunningApps(clusterId: string | null, enabled: boolean) {
  const client = useRaydeck();
  return useQuery({
    queryKey: serveKeys.status(clusterId ?? ''),
    queryFn: () => client.call('serve.status', { clusterId: clusterId! }),
    enabled: enabled && clusterId !== null,
    staleTime: 1000,
    retry: 0,
    select: (s): RunningApp[] =>
      s.applications.flatMap((a) =>
        a.deployedConfig ? [{ name: a.name, config: a.deployedConfig }] : [],
      ),
  });
}
