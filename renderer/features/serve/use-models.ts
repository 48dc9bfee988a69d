/**
 * A cluster's models as server state (react-query): the list, and the add / remove / place
 * mutations that refresh it. Placing a model is an Operation the panel follows.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ModelSource } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

export const modelKeys = {
  list: (clusterId: string) => ['models', clusterId] as const,
};

export function useModels(clusterId: string) {
  const client = useRaydeck();
  return useQuery({
    queryKey: modelKeys.list(clusterId),
    queryFn: () => client.call('models.list', { clusterId }),
  });
}

export function useAddModel(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (m: { name: string; source: ModelSource }) =>
      client.call('models.add', { clusterId, ...m }),
    onSuccess: () => qc.invalidateQueries({ queryKey: modelKeys.list(clusterId) }),
  });
}

export function useRemoveModel(clusterId: string) {
  const client = useRaydeck();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => client.call('models.remove', { id }),
    onSuccess: () => qc.invalidateQueries({ queryKey: modelKeys.list(clusterId) }),
  });
}

export function usePlaceModel() {
  const client = useRaydeck();
  return useMutation({
    mutationFn: (p: { id: string; nodeIds?: string[] }) => client.call('models.place', p),
  });
}
