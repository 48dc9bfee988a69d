/**
 * The live Ray cluster: `cluster.status` as a query (refreshed when a run ends and on demand),
 * and the day-2 actions. Stop and tear-down return operations whose progress comes as
 * `operation.progress` events; start returns a bring-up run that the run view shows.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import { clusterStatusKey, storeRun } from './use-bringup';

export function useClusterStatus(clusterId: string) {
  const client = useRaydeck();
  return useQuery({ queryKey: clusterStatusKey(clusterId), queryFn: () => client.call('cluster.status', { clusterId }), staleTime: 10_000, retry: 0 });
}

export type ClusterAction = 'stop' | 'down';

/** How many recent operations to remember: an operation may report before its id comes back. */
const SEEN_LIMIT = 50;

export function useClusterOperation(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const [opId, setOpId] = useState<string | null>(null);
  const [op, setOp] = useState<Operation | null>(null);
  const seen = useRef(new Map<string, Operation>());

  useCoreEvent('operation.progress', (o) => {
    seen.current.set(o.id, o);
    if (seen.current.size > SEEN_LIMIT) seen.current.delete(seen.current.keys().next().value!);
    if (o.id === opId) setOp(o);
  });

  const ended = op !== null && op.state !== 'running';
  useEffect(() => {
    if (ended) void qc.invalidateQueries({ queryKey: clusterStatusKey(clusterId) });
  }, [ended, qc, clusterId]);

  const run = useMutation({
    mutationFn: (input: { action: ClusterAction; uninstall?: boolean }) =>
      input.action === 'stop' ? client.call('cluster.stop', { clusterId }) : client.call('cluster.down', { clusterId, uninstall: input.uninstall ?? false }),
    onSuccess: ({ operationId }) => {
      setOpId(operationId);
      setOp(seen.current.get(operationId) ?? null);
    },
  });

  const start = useMutation({
    mutationFn: () => client.call('cluster.start', { clusterId }),
    onSuccess: (r) => storeRun(qc, r),
  });

  const running = run.isPending || start.isPending || (opId !== null && (op === null || op.state === 'running'));
  return { op, running, run, start };
}
