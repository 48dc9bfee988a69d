/**
 * The Pipeline page's calls to the core (react-query; shared/contract/pipeline-methods.ts): the
 * saved pipelines, open and save a pipeline file, read a Serve config back into graphs, compile a
 * graph (with a cluster: checked against its nodes' GPUs), and one try-it request through the
 * head. Query keys live here.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { findRedacted } from '../../../shared';
import { appNameOf, type PipelineGraph } from '../../../shared/pipeline';
import { appsOf } from './deploy-config';
import { useRaydeck } from '../../app/client-context';
import type { KnownPipelineFile, RunningApp } from './OpenDialog';
import type { TryAnswer, TryRequest } from './TryPanel';

export const pipelineKeys = {
  files: ['pipeline', 'files'] as const,
  running: (clusterId: string) => ['pipeline', 'running', clusterId] as const,
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
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { path: string; graph: PipelineGraph }) =>
      client.call('pipeline.save', input),
    onSuccess: () => void qc.invalidateQueries({ queryKey: pipelineKeys.files }),
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

/**
 * The declarative applications the cluster runs now, each with its config as the newest applied
 * config of the Serve history wrote it (exact, env_vars values included) or else as Ray holds it
 * (env_vars values redacted by the core: `redacted` says so).
 */
export function useRunningApps(clusterId: string | null, enabled: boolean) {
  const client = useRaydeck();
  return useQuery({
    queryKey: pipelineKeys.running(clusterId ?? ''),
    queryFn: async (): Promise<RunningApp[]> => {
      const id = clusterId!;
      const [status, history] = await Promise.all([
        client.call('serve.status', { clusterId: id }),
        client.call('serve.history', { clusterId: id }),
      ]);
      const newest = history[0];
      const written = appsOf(
        newest
          ? (await client.call('serve.get', { clusterId: id, version: newest.version })).text
          : null,
      );
      return status.applications.flatMap((a) => {
        if (!a.deployedConfig) return [];
        const config = (written.get(a.name) ?? a.deployedConfig) as Record<string, unknown>;
        return [{ name: a.name, config, redacted: findRedacted(config).length > 0 }];
      });
    },
    enabled: enabled && clusterId !== null,
    staleTime: 1000,
    retry: 0,
  });
}
