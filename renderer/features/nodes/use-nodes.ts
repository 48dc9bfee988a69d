/**
 * A cluster's nodes as server state: the list query is replaced by `nodes.changed` and each
 * node's connection patched by `nodes.connection`, so the table is live without polling.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodInput, NodeWithState } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';

export const nodesKey = (clusterId: string) => ['nodes', clusterId] as const;

export function useNodes(clusterId: string) {
  const client = useRaydeck();
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
  return useQuery({
    queryKey: nodesKey(clusterId),
    queryFn: () => client.call('nodes.list', { clusterId }),
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
