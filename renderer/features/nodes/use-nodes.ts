/**
 * A cluster's nodes as server state, the one `nodes.list` query of the renderer (other features
 * read it through `useNodes` / `useNodesOfClusters`, with a `select` for their view): the list
 * is replaced by `nodes.changed` and each node's connection patched by `nodes.connection`, so
 * every page that shows nodes is live without polling.
 */
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodInput, NodeWithState } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';

export const nodesKey = (clusterId: string) => ['nodes', clusterId] as const;
export const preflightKey = (clusterId: string) => ['preflight', clusterId] as const;
export const hostKeyKey = (nodeId: string) => ['hostKey', nodeId] as const;

/** Keeps every cached node list current from the core's events (while a user is mounted). */
function useNodeEvents() {
  const qc = useQueryClient();
  useCoreEvent('nodes.changed', ({ clusterId: changed, nodes }) => {
    qc.setQueryData<NodeWithState[]>(nodesKey(changed), (old) =>
      nodes.map((n) => ({
        ...n,
        connection: old?.find((o) => o.id === n.id)?.connection ?? { state: 'idle' as const },
      })),
    );
  });
  useCoreEvent('nodes.connection', ({ nodeId, connection }) => {
    qc.setQueriesData<NodeWithState[]>({ queryKey: ['nodes'] }, (old) =>
      old?.map((n) => (n.id === nodeId ? { ...n, connection } : n)),
    );
  });
}

/** One cluster's nodes (with `select`, a view of them: e.g. without jump hosts). */
export function useNodes<T = NodeWithState[]>(
  clusterId: string,
  select?: (nodes: NodeWithState[]) => T,
) {
  const client = useRaydeck();
  useNodeEvents();
  return useQuery({
    queryKey: nodesKey(clusterId),
    queryFn: () => client.call('nodes.list', { clusterId }),
    select,
  });
}

/** The nodes of several clusters, each under its cluster's one key (in the clusters' order). */
export function useNodesOfClusters(clusterIds: readonly string[]) {
  const client = useRaydeck();
  useNodeEvents();
  return useQueries({
    queries: clusterIds.map((clusterId) => ({
      queryKey: nodesKey(clusterId),
      queryFn: () => client.call('nodes.list', { clusterId }),
    })),
  });
}

/** The cluster's last preflight results, one per node. */
export function usePreflightResults(clusterId: string) {
  const client = useRaydeck();
  return useQuery({
    queryKey: preflightKey(clusterId),
    queryFn: () => client.call('nodes.preflight', { clusterId }),
  });
}

/** The key a node presents now, read afresh each time (never cached: it is what gets trusted). */
export function useHostKey(nodeId: string) {
  const client = useRaydeck();
  return useQuery({
    queryKey: hostKeyKey(nodeId),
    queryFn: () => client.call('nodes.hostKey', { id: nodeId }),
    staleTime: 0,
    gcTime: 0,
    retry: 0,
  });
}

export function useAppInfo() {
  const client = useRaydeck();
  return useQuery({
    queryKey: ['appInfo'],
    queryFn: () => client.call('app.info', {}),
    staleTime: Infinity,
  });
}

export function useSaveNode() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (
      input:
        | { kind: 'add'; value: MethodInput<'nodes.add'> }
        | { kind: 'update'; value: MethodInput<'nodes.update'> },
    ) =>
      input.kind === 'add'
        ? client.call('nodes.add', input.value)
        : client.call('nodes.update', input.value),
  });
}

export function useRemoveNode() {
  const client = useRaydeck();
  return useMutation({ mutationFn: (id: string) => client.call('nodes.remove', { id }) });
}
