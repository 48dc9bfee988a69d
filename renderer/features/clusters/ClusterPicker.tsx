/** A select for the current cluster, used by pages that work on one cluster (Nodes, Bring-up, ...). */
import { useEffect } from 'react';
import { useShell } from '../../shell/ui-store';
import { useClusters } from './use-clusters';

export function useCurrentCluster() {
  const clusters = useClusters();
  const clusterId = useShell((s) => s.clusterId);
  const selectCluster = useShell((s) => s.selectCluster);
  const list = clusters.data ?? [];
  const current = list.find((c) => c.id === clusterId) ?? list[0] ?? null;
  useEffect(() => {
    if (clusters.data && current?.id !== clusterId) selectCluster(current?.id ?? null);
  }, [clusters.data, current?.id, clusterId, selectCluster]);
  return { clusters, current };
}

export function ClusterPicker() {
  const { clusters, current } = useCurrentCluster();
  const selectCluster = useShell((s) => s.selectCluster);
  if (!clusters.data || clusters.data.length === 0) return null;
  return (
    <label className="inline-field">
      <span className="muted">Cluster</span>
      <select
        value={current?.id ?? ''}
        onChange={(e) => selectCluster(e.target.value)}
        aria-label="Cluster"
        data-testid="cluster-picker"
      >
        {clusters.data.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </label>
  );
}
