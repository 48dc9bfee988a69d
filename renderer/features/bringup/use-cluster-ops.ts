/**
 * The live Ray cluster: `cluster.status` as a query (refreshed when a run ends and on demand),
 * and the day-2 actions. Stop, tear-down and removing a worker return operations whose progress
 * comes as `operation.progress` events; start returns a bring-up run that the run view shows.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import { nodesKey } from '../nodes';
import { clusterStatusKey, storeRun } from './use-bringup';

export function useClusterStatus(clusterId: string) {
  const client = useRaydeck();
  return useQuery({
    queryKey: clusterStatusKey(clusterId),
    queryFn: () => client.call('cluster.status', { clusterId }),
    staleTime: 10_000,
    retry: 0,
  });
}

/**
 * The address of the cluster's own Ray dashboard (the core's proxy through the head's SSH
 * connection), asked for while Ray runs so the link is a plain link (no popup blocker).
 */
export function useRayDashboardLink(clusterId: string, rayRunning: boolean) {
  const client = useRaydeck();
  return useQuery({
    queryKey: ['cluster-dashboard', clusterId],
    queryFn: () => client.call('cluster.dashboard', { clusterId }),
    enabled: rayRunning,
    staleTime: Infinity,
    retry: 0,
  });
}

/** The whole-cluster actions that ask first in ConfirmClusterDialog. */
export type ClusterAction = 'stop' | 'down';

/** What an operation was started for: a whole-cluster action, or draining one worker out. */
export type ClusterOpRequest =
  | { action: 'stop' }
  | { action: 'down'; uninstall: boolean }
  | { action: 'remove-worker'; nodeId: string; nodeName: string };

/** How many recent operations to remember: an operation may report before its id comes back. */
const SEEN_LIMIT = 50;

export function useClusterOperation(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const [opId, setOpId] = useState<string | null>(null);
  const [request, setRequest] = useState<ClusterOpRequest | null>(null);
  const [op, setOp] = useState<Operation | null>(null);
  const seen = useRef(new Map<string, Operation>());

  useCoreEvent('operation.progress', (o) => {
    seen.current.set(o.id, o);
    if (seen.current.size > SEEN_LIMIT) seen.current.delete(seen.current.keys().next().value!);
    if (o.id === opId) setOp(o);
  });

  const ended = op !== null && op.state !== 'running';
  const removed = request?.action === 'remove-worker';
  useEffect(() => {
    if (!ended) return;
    void qc.invalidateQueries({ queryKey: clusterStatusKey(clusterId) });
    // The core also sends nodes.changed when a node leaves the inventory; reading again covers a missed event.
    if (removed) void qc.invalidateQueries({ queryKey: nodesKey(clusterId) });
  }, [ended, removed, qc, clusterId]);

  const run = useMutation({
    mutationFn: (input: ClusterOpRequest) => {
      switch (input.action) {
        case 'stop':
          return client.call('cluster.stop', { clusterId });
        case 'down':
          return client.call('cluster.down', { clusterId, uninstall: input.uninstall });
        case 'remove-worker':
          return client.call('cluster.removeWorker', { nodeId: input.nodeId });
      }
    },
    // A new operation replaces the one shown, so what shows is never an earlier one's outcome.
    onMutate: () => {
      setOpId(null);
      setOp(null);
      setRequest(null);
    },
    onSuccess: ({ operationId }, input) => {
      setOpId(operationId);
      setRequest(input);
      setOp(seen.current.get(operationId) ?? null);
    },
  });

  const start = useMutation({
    mutationFn: () => client.call('cluster.start', { clusterId }),
    onSuccess: (r) => storeRun(qc, r),
  });

  const running =
    run.isPending || start.isPending || (opId !== null && (op === null || op.state === 'running'));
  return { op, request, running, run, start };
}
