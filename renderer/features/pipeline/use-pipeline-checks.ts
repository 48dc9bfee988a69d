/**
 * Checks as you draw: a moment after every change the graph is checked again — by the core
 * (`pipeline.check`) against the picked cluster's nodes and GPUs from preflight, or here in
 * the page without a cluster (the checks are pure: shared/pipeline/checks.ts). A core that
 * does not answer falls back to the checks without the cluster and says so. The last result
 * stays on the stages until the new one lands (no flicker while typing); `checking` says it is
 * not the current graph's yet.
 */
import { useEffect, useState } from 'react';
import { checkPipeline, type PipelineCheck, type PipelineGraph } from '../../../shared/pipeline';
import { useRaydeck } from '../../app/client-context';

export const CHECK_DEBOUNCE_MS = 250;

interface Result {
  graph: PipelineGraph | null;
  clusterId: string | null;
  checks: PipelineCheck[];
  error: unknown;
}

export function usePipelineChecks(
  graph: PipelineGraph | null,
  clusterId: string | null,
): { checks: PipelineCheck[]; checking: boolean; error: unknown } {
  const client = useRaydeck();
  const [result, setResult] = useState<Result>({
    graph: null,
    clusterId: null,
    checks: [],
    error: null,
  });
  useEffect(() => {
    if (!graph) return;
    let alive = true;
    const local = (error: unknown) => {
      try {
        return { graph, clusterId, checks: checkPipeline(graph), error };
      } catch (err) {
        return { graph, clusterId, checks: [], error: err };
      }
    };
    const t = setTimeout(() => {
      if (!clusterId) return setResult(local(null));
      client.call('pipeline.check', { graph, clusterId }).then(
        (r) => alive && setResult({ graph, clusterId, checks: r.checks, error: null }),
        (err: unknown) => alive && setResult(local(err)),
      );
    }, CHECK_DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [client, graph, clusterId]);
  if (!graph) return { checks: [], checking: false, error: null };
  const current = result.graph === graph && result.clusterId === clusterId;
  return { checks: result.checks, checking: !current, error: result.error };
}
