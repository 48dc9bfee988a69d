/**
 * Checks as you draw: the graph's checks (shared/pipeline/checks.ts: structure, inputs, cycles,
 * fractional GPUs, tensor parallel, VRAM) run again a moment after every change, here in the
 * page (they are pure and fast), with the picked cluster's GPUs when they are known. The
 * result says which graph it belongs to, so a stale result is never shown as current.
 */
import { useEffect, useState } from 'react';
import {
  checkPipeline,
  type PipelineCheck,
  type PipelineClusterFacts,
  type PipelineGraph,
} from '../../../shared/pipeline';

export const CHECK_DEBOUNCE_MS = 250;

export function usePipelineChecks(
  graph: PipelineGraph | null,
  cluster: PipelineClusterFacts | undefined,
): { checks: PipelineCheck[]; checking: boolean; error: unknown } {
  const [result, setResult] = useState<{
    graph: PipelineGraph | null;
    cluster: PipelineClusterFacts | undefined;
    checks: PipelineCheck[];
    error: unknown;
  }>(() => ({ graph: null, cluster: undefined, checks: [], error: null }));
  useEffect(() => {
    if (!graph) return;
    const t = setTimeout(() => {
      try {
        setResult({ graph, cluster, checks: checkPipeline(graph, cluster), error: null });
      } catch (err) {
        setResult({ graph, cluster, checks: [], error: err });
      }
    }, CHECK_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [graph, cluster]);
  if (!graph) return { checks: [], checking: false, error: null };
  const current = result.graph === graph && result.cluster === cluster;
  // Until the new result lands, the last checks stay on the stages (no flicker while typing).
  return { checks: result.checks, checking: !current, error: result.error };
}
