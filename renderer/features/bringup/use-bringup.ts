/**
 * Bring-up runs of a cluster as server state: `bringup.list` once, then every `bringup.changed`
 * event (the whole run) is written into the cache with setQueryData, so the run view is live
 * without polling and a reloaded page shows the newest run. Also the mutations that plan, start,
 * retry and cancel, and the cluster's Ray nodes (for the empty states; the nodes feature's query).
 */
import {
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type QueryClient,
} from '@tanstack/react-query';
import type { BringUpOptions, BringUpRun, NodeWithState } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import { useNodes } from '../nodes';
import { isFinished, upsertRun } from './run-format';

export const runsKey = (clusterId: string) => ['bringup', 'runs', clusterId] as const;
export const clusterStatusKey = (clusterId: string) =>
  ['bringup', 'cluster-status', clusterId] as const;

/** Writes a run the core sent (event or method answer) into its cluster's list. */
export function storeRun(qc: QueryClient, run: BringUpRun): void {
  const key = runsKey(run.clusterId);
  const before = qc.getQueryData<BringUpRun[]>(key)?.find((r) => r.id === run.id);
  qc.setQueryData<BringUpRun[]>(key, (old) => upsertRun(old ?? [], run));
  // A run that just ended changed the live cluster: read its status again.
  if (isFinished(run) && (!before || !isFinished(before)))
    void qc.invalidateQueries({ queryKey: clusterStatusKey(run.clusterId) });
}

export function useRuns(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  useCoreEvent('bringup.changed', (run) => {
    // Before the list has loaded, the list answer will carry this change: nothing to patch yet.
    if (qc.getQueryData(runsKey(run.clusterId)) === undefined) return;
    storeRun(qc, run);
  });
  return useQuery({
    queryKey: runsKey(clusterId),
    queryFn: () => client.call('bringup.list', { clusterId }),
    staleTime: 5_000,
  });
}

const rayNodes = (nodes: NodeWithState[]) => nodes.filter((n) => n.role !== 'jump');

/** The cluster's nodes that take part in Ray (jump hosts excluded): the nodes feature's query. */
export function useRayNodes(clusterId: string) {
  return useNodes(clusterId, rayNodes);
}

export function usePlan(clusterId: string) {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (options: BringUpOptions) => client.call('bringup.plan', { clusterId, options }),
  });
}

export function useStartRun(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (options: BringUpOptions) => client.call('bringup.start', { clusterId, options }),
    onSuccess: (run) => storeRun(qc, run),
  });
}

export function useRetry() {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { runId: string; nodeId?: string }) => client.call('bringup.retry', input),
    onSuccess: (run) => storeRun(qc, run),
  });
}

export function useCancelRun() {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (runId: string) => client.call('bringup.cancel', { runId }),
    onSuccess: (run) => storeRun(qc, run),
  });
}

/** The runs of several clusters at once (the Activity page lists every bring-up), live like `useRuns`. */
export function useRunsOfClusters(clusterIds: readonly string[]) {
  const client = useRaydeck();
  const qc = useQueryClient();
  useCoreEvent('bringup.changed', (run) => {
    if (qc.getQueryData(runsKey(run.clusterId)) === undefined) return;
    storeRun(qc, run);
  });
  return useQueries({
    queries: clusterIds.map((clusterId) => ({
      queryKey: runsKey(clusterId),
      queryFn: () => client.call('bringup.list', { clusterId }),
      staleTime: 5_000,
    })),
  });
}

/**
 * When a bring-up last changed what is on the nodes (the end of the newest run in which an
 * install, head start or join finished), or null: checks made before it may be out of date.
 */
export function useLastNodeChange(clusterId: string): string | null {
  const runs = useRuns(clusterId);
  const changed = runs.data?.find(
    (r) =>
      r.endedAt &&
      r.nodes.some((n) =>
        n.steps.some(
          (s) =>
            (s.kind === 'install' || s.kind === 'start-head' || s.kind === 'join') &&
            s.state === 'done',
        ),
      ),
  );
  return changed?.endedAt ?? null;
}
