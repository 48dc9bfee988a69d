/**
 * "New shell on node…": every node of every cluster, grouped by cluster, read through the
 * contract (clusters.list, nodes.list). Picking one opens an SSH shell tab on it.
 */
import { useQuery } from '@tanstack/react-query';
import { useRaydeck } from '../../app/client-context';

export function NodeShellPicker({ onPick }: { onPick(nodeId: string): void }) {
  const client = useRaydeck();
  const groups = useQuery({
    queryKey: ['terminal', 'node-picker'],
    queryFn: async () => {
      const clusters = await client.call('clusters.list', {});
      return Promise.all(
        clusters.map(async (c) => ({
          cluster: c,
          nodes: await client.call('nodes.list', { clusterId: c.id }),
        })),
      );
    },
    staleTime: 5_000,
  });
  const withNodes = (groups.data ?? []).filter((g) => g.nodes.length > 0);
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
      onFocus={() => void groups.refetch()}
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
