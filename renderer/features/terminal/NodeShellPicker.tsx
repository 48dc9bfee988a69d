/**
 * "New shell on node…": every node of every cluster, grouped by cluster, from the clusters and
 * nodes features' queries (the one `nodes.list` cache, live from the core's events). Picking one
 * opens an SSH shell tab on it.
 */
import { useClusters } from '../clusters';
import { useNodesOfClusters } from '../nodes';

export function NodeShellPicker({ onPick }: { onPick(nodeId: string): void }) {
  const clusters = useClusters();
  const nodes = useNodesOfClusters((clusters.data ?? []).map((c) => c.id));
  const withNodes = (clusters.data ?? [])
    .map((cluster, i) => ({ cluster, nodes: nodes[i]?.data ?? [] }))
    .filter((g) => g.nodes.length > 0);
  const readAgain = () => {
    void clusters.refetch();
    for (const n of nodes) void n.refetch();
  };
  return (
    <select
      className="btn terminal-node-picker"
      aria-label="New shell on node"
      value=""
      disabled={withNodes.length === 0}
      title={
        withNodes.length === 0
          ? 'Add nodes on the Nodes page to open shells on them'
          : 'Open a shell on a node over SSH'
      }
      onFocus={readAgain}
      onChange={(e) => {
        if (e.target.value) onPick(e.target.value);
      }}
    >
      <option value="">
        {withNodes.length === 0 ? 'No nodes to open a shell on' : 'New shell on node…'}
      </option>
      {withNodes.map((g) => (
        <optgroup key={g.cluster.id} label={g.cluster.name}>
          {g.nodes.map((n) => (
            <option key={n.id} value={n.id}>
              {n.name} ({n.user}@{n.host})
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
