/**
 * The Ray nodes the head's dashboard reports, one row each (head first), with "Drain and remove…" on every
 * live worker that is in the inventory (never on the head: tearing down is for that).
 */
import type { RayNodeStatus } from '../../../shared';
import { rayNodeOrder } from './run-format';

export function RayNodesTable({
  nodes,
  busy,
  why,
  onRemove,
}: {
  nodes: readonly RayNodeStatus[];
  busy: boolean;
  why?: string;
  onRemove: (node: RayNodeStatus) => void;
}) {
  return (
    <table className="data-table compact" aria-label="Ray nodes">
      <thead>
        <tr>
          <th>Node</th>
          <th>Address</th>
          <th>Role</th>
          <th>State</th>
          <th>GPUs</th>
          <th>CPUs</th>
          <th>
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rayNodeOrder(nodes).map((n) => (
          <tr key={n.rayNodeId} data-testid="ray-node" data-node={n.name}>
            <td className="strong">{n.name}</td>
            <td className="mono">{n.ip}</td>
            <td>{n.isHead ? 'head' : 'worker'}</td>
            <td className={n.alive ? 'ok-text' : 'bad-text'}>{n.alive ? 'alive' : 'dead'}</td>
            <td>{n.gpus}</td>
            <td>{n.cpus}</td>
            <td className="bu-node-actions">
              {!n.isHead && n.alive && n.nodeId !== null ? (
                <button
                  type="button"
                  className="btn danger small"
                  onClick={() => onRemove(n)}
                  disabled={busy}
                  title={why}
                  aria-label={`Drain and remove ${n.name}`}
                >
                  Drain and remove…
                </button>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
