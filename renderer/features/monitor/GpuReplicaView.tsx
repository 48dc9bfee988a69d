/**
 * GPU -> replica -> queue on one table: each node's GPUs (utilization, memory, temperature,
 * "no value" spelled out), the replicas running on each, and beside them their deployment's
 * queue length, ongoing requests and p95 latency, and which of its processes is on the GPU (the
 * actor, or a process under it: vLLM's EngineCore). A GPU's last Xid error shows on its row.
 * Replicas Ray gave GPUs but with no process on one yet say so; CPU replicas and replicas not
 * placed yet (with Ray's reason) are listed too. A row's deployment name opens its page. On a
 * fleet, idle GPUs are hidden unless asked for, rows filter by node name and are capped.
 */
import { useMemo, useState } from 'react';
import type { GpuSample, Measured, MonitorSnapshot } from '../../../shared';
import { EmptyState } from '../../ui';
import { gpuReplicaTable, visibleGpuRows, type ReplicaOnGpu } from './gpu-replica-rows';
import { formatMeasured } from './monitor-model';

const num = (v: number | null, unit: string, digits = 0) =>
  v === null ? 'no value' : `${v.toFixed(digits)} ${unit}`;

function gpuText(g: GpuSample): string {
  const xid = g.xid !== null ? ` · Xid ${g.xid}` : '';
  if (g.lost) return `LOST${xid}`;
  return (
    [
      num(g.utilizationPct, '%'),
      g.memoryUsedMiB === null || g.memoryTotalMiB === null
        ? 'mem no value'
        : `${Math.round(g.memoryUsedMiB / 1024)}/${Math.round(g.memoryTotalMiB / 1024)} GiB`,
      num(g.temperatureC, '°C'),
    ].join(' · ') + xid
  );
}

const NO_GPU_TEXT = {
  assigned: 'assigned by Ray, no process on a GPU yet',
  cpu: 'CPU replicas (no GPU asked of Ray)',
} as const;

/** Which of the replica's processes are on the GPU: the actor, one under it, or a worker of its placement group. */
function processText(r: ReplicaOnGpu): string {
  if (r.processes.length === 0) return r.gpusFromRay > 0 ? ` · ${r.gpusFromRay} GPU from Ray` : '';
  return ` · ${r.processes
    .map((p) =>
      p.actorPid == null
        ? `pid ${p.pid} in its placement group` // a Ray worker actor of the replica (vLLM's)
        : p.actorPid !== p.pid
          ? `pid ${p.pid} under actor ${p.actorPid}`
          : `actor pid ${p.pid}`,
    )
    .join(', ')}`;
}

const m = (x: Measured | undefined, unit = '') => (x ? formatMeasured(x.value, unit) : 'no value');

function ReplicaCells({ r, onOpen }: { r: ReplicaOnGpu; onOpen(key: string): void }) {
  const d = r.deployment;
  return (
    <>
      <td>
        <button
          type="button"
          className="linklike"
          onClick={() => onOpen(`${r.replica.app}/${r.replica.deployment}`)}
        >
          {r.replica.app}/{r.replica.deployment}
        </button>
        <span className="muted small"> {r.replica.replicaId}</span>
        <span className="muted small" data-testid="replica-on-gpu">
          {processText(r)}
        </span>
      </td>
      <td data-state={r.replica.state}>{r.replica.state}</td>
      <td data-testid="queue-length" data-value={d?.metrics.queueLength.value ?? ''}>
        {m(d?.metrics.queueLength)}
      </td>
      <td data-testid="ongoing" data-value={d?.metrics.ongoingRequests.value ?? ''}>
        {m(d?.metrics.ongoingRequests)}
      </td>
      <td data-testid="latency-p95">{m(d?.metrics.latencyP95Ms, 'ms')}</td>
    </>
  );
}

export function GpuReplicaView({
  snapshot,
  onOpenDeployment,
}: {
  snapshot: MonitorSnapshot;
  onOpenDeployment(key: string): void;
}) {
  const table = useMemo(() => gpuReplicaTable(snapshot), [snapshot]);
  const [filter, setFilter] = useState('');
  // Small clusters show every GPU; on a fleet, idle GPUs only when asked.
  const [showIdle, setShowIdle] = useState(snapshot.gpus.length <= 64);
  const shown = visibleGpuRows(table.rows, filter, showIdle);
  if (table.rows.length === 0 && table.unplaced.length === 0)
    return (
      <EmptyState
        testId="monitor-no-placements"
        icon="▦"
        title="No GPUs or replicas to show"
        text="No node has reported a GPU and Serve runs no replicas on this cluster yet."
      />
    );
  return (
    <section aria-label="GPU to replica to queue">
      <div className="heatmap-bar">
        <label className="inline-field">
          <span className="muted">Node</span>
          <input
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="filter by name"
            aria-label="Filter by node name"
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={showIdle}
            onChange={(e) => setShowIdle(e.target.checked)}
          />{' '}
          Show idle GPUs
        </label>
        <span className="muted small" data-testid="gpu-rows-count">
          {shown.rows.length < shown.total
            ? `Showing ${shown.rows.length} of ${shown.total} rows: filter by node to see the others`
            : `${shown.total} rows`}
        </span>
      </div>
      <table className="data-table gpu-replica-table" data-testid="gpu-replica-table">
        <thead>
          <tr>
            <th>Node</th>
            <th>GPU</th>
            <th>GPU now</th>
            <th>Replica</th>
            <th>State</th>
            <th>Queue</th>
            <th>Ongoing</th>
            <th>p95</th>
          </tr>
        </thead>
        <tbody>
          {shown.rows.flatMap((row) => {
            const span = Math.max(1, row.replicas.length);
            const gpuCells = (
              <>
                <td rowSpan={span} className={row.node.stale ? 'muted' : undefined}>
                  {row.node.name}
                  {row.node.stale ? ' (stale)' : ''}
                </td>
                <td rowSpan={span}>{row.gpu ? `GPU ${row.gpu.index}` : 'no GPU'}</td>
                <td
                  rowSpan={span}
                  className={
                    row.gpu?.lost || row.gpu?.hot || row.gpu?.xid != null ? 'bad-text' : undefined
                  }
                  title={row.gpu?.xidMessage ?? undefined}
                  data-testid="gpu-now"
                >
                  {row.gpu ? gpuText(row.gpu) : NO_GPU_TEXT[row.noGpu ?? 'cpu']}
                </td>
              </>
            );
            const key = `${row.node.nodeId}/${row.gpu?.index ?? row.noGpu}`;
            if (row.replicas.length === 0)
              return [
                <tr key={key} data-testid="gpu-row" data-gpu={row.gpu?.key ?? ''} data-replicas={0}>
                  {gpuCells}
                  <td colSpan={5} className="muted" data-testid="gpu-no-replica">
                    {row.gpu?.processes.length
                      ? `no Serve replica: ${row.gpu.processes.map((p) => `pid ${p.pid}`).join(', ')} on it`
                      : 'idle: no replica'}
                  </td>
                </tr>,
              ];
            return row.replicas.map((r, i) => (
              <tr
                key={`${key}/${r.replica.key}`}
                data-testid="gpu-row"
                data-gpu={row.gpu?.key ?? ''}
                data-no-gpu={row.noGpu ?? ''}
                data-replica={r.replica.replicaId}
                data-replicas={row.replicas.length}
              >
                {i === 0 ? gpuCells : null}
                <ReplicaCells r={r} onOpen={onOpenDeployment} />
              </tr>
            ));
          })}
        </tbody>
      </table>
      {table.unplaced.length ? (
        <div className="mon-card unplaced" data-testid="unplaced-replicas">
          <h3>Not placed on a node</h3>
          <ul>
            {table.unplaced.map((r) => (
              <li key={r.replica.key}>
                {r.replica.app}/{r.replica.deployment} {r.replica.replicaId} — {r.replica.state}
                {r.deployment?.pendingReason ? (
                  <p className="serve-pending-reason">{r.deployment.pendingReason}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
