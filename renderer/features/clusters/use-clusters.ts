/** Cluster list as server state: one query, kept fresh by the core's `clusters.changed` event. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Cluster } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';

export const clustersKey = ['clusters'] as const;

export function useClusters() {
  const client = useRaydeck();
  const qc = useQueryClient();
  useCoreEvent('clusters.changed', (clusters) => qc.setQueryData<Cluster[]>(clustersKey, clusters));
  return useQuery({ queryKey: clustersKey, queryFn: () => client.call('clusters.list', {}) });
}

export function useCreateCluster() {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => client.call('clusters.create', { name }),
    onSuccess: (cluster) =>
      qc.setQueryData<Cluster[]>(clustersKey, (old) =>
        old?.some((c) => c.id === cluster.id) ? old : [...(old ?? []), cluster],
      ),
  });
}

export function useRemoveCluster() {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.call('clusters.remove', { id }),
    onSuccess: (_r, id) =>
      qc.setQueryData<Cluster[]>(clustersKey, (old) => old?.filter((c) => c.id !== id)),
  });
}
