/**
 * The live Ray cluster as the head's dashboard reports it (state, Ray version, nodes with their
 * GPUs, whether the dashboard answers), with Refresh, Start, Stop and Tear down. Stop and tear
 * down ask first and then show their operation's progress.
 */
import { useState } from 'react';
import { errorText } from '../../app/error-text';
import { ConfirmClusterDialog } from './ConfirmClusterDialog';
import { CLUSTER_STATE_TEXT, plural } from './run-format';
import { useClusterOperation, useClusterStatus, type ClusterAction } from './use-cluster-ops';

const STATE_CLASS = { running: 'state-succeeded', stopped: 'state-cancelled', unreachable: 'state-failed', 'no-head': '' } as const;

export function ClusterPanel({ clusterId, clusterName, runActive }: { clusterId: string; clusterName: string; runActive: boolean }) {
  const status = useClusterStatus(clusterId);
  const { op, running, run, start } = useClusterOperation(clusterId);
  const [confirm, setConfirm] = useState<ClusterAction | null>(null);
  const s = status.data;
  const busy = running || runActive;
  const why = runActive ? 'A bring-up is running.' : undefined;
  const indeterminate = op?.state === 'running' && op.progress === null;
  const pct = op?.state === 'succeeded' ? 100 : op?.progress == null ? 0 : Math.round(op.progress * 100);
  const error = run.error ?? start.error;

  return (
    <section className="panel" aria-labelledby="bu-cluster-title" data-testid="cluster-panel" data-state={s?.state ?? 'unknown'}>
      <div className="panel-head">
        <h3 id="bu-cluster-title">Cluster</h3>
        <div className="toolbar-actions">
          <button type="button" className="btn ghost" onClick={() => void status.refetch()} disabled={status.isFetching} aria-label="Refresh cluster status">
            {status.isFetching ? 'Refreshing…' : 'Refresh'}
          </button>
          <button type="button" className="btn" onClick={() => start.mutate()} disabled={busy || s?.state === 'running'} title={why} aria-label="Start Ray on every node">
            Start
          </button>
          <button type="button" className="btn" onClick={() => setConfirm('stop')} disabled={busy || s?.state !== 'running'} title={why} aria-label="Stop Ray on every node">
            Stop
          </button>
          <button type="button" className="btn danger" onClick={() => setConfirm('down')} disabled={busy || s?.state === 'no-head'} title={why}>
            Tear down…
          </button>
        </div>
      </div>
      {status.isPending ? <div className="skeleton" aria-busy="true" aria-label="Reading the cluster status" /> : null}
      {status.isError ? (
        <div className="banner error" role="alert">
          Could not read the cluster status: {errorText(status.error)}
        </div>
      ) : null}
      {s ? (
        <div className="bu-cluster">
          <p>
            <span className={`badge ${STATE_CLASS[s.state]}`} data-testid="cluster-state">
              {CLUSTER_STATE_TEXT[s.state]}
            </span>{' '}
            <span className="muted">{s.detail}</span>
          </p>
          <dl className="key-facts">
            <dt>Ray version</dt>
            <dd data-testid="cluster-ray-version">{s.rayVersion ?? '—'}</dd>
            <dt>Dashboard</dt>
            <dd data-testid="cluster-dashboard" className={s.dashboardReachable ? 'ok-text' : 'bad-text'}>
              {s.dashboardReachable ? 'reachable (through the SSH tunnel)' : 'not reachable'}
            </dd>
            <dt>Nodes</dt>
            <dd>
              {s.aliveNodes} of {plural(s.nodes.length, 'node', 'nodes')} alive · {plural(s.gpus, 'GPU', 'GPUs')}
            </dd>
          </dl>
          {s.nodes.length ? (
            <table className="data-table compact" aria-label="Ray nodes">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Address</th>
                  <th>Role</th>
                  <th>State</th>
                  <th>GPUs</th>
                  <th>CPUs</th>
                </tr>
              </thead>
              <tbody>
                {s.nodes.map((n) => (
                  <tr key={n.rayNodeId} data-testid="ray-node" data-node={n.name}>
                    <td className="strong">{n.name}</td>
                    <td className="mono">{n.ip}</td>
                    <td>{n.isHead ? 'head' : 'worker'}</td>
                    <td className={n.alive ? 'ok-text' : 'bad-text'}>{n.alive ? 'alive' : 'dead'}</td>
                    <td>{n.gpus}</td>
                    <td>{n.cpus}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      ) : null}
      {op ? (
        <div className="bu-cluster-op" data-testid="cluster-operation" data-state={op.state}>
          <div className={`progress progress-${op.state}`} role="progressbar" aria-label={op.title} aria-valuemin={0} aria-valuemax={100} aria-valuenow={indeterminate ? undefined : pct}>
            <div className={indeterminate ? 'bar indeterminate' : 'bar'} style={indeterminate ? undefined : { width: `${pct}%` }} />
          </div>
          <div className="muted small">
            {op.title}: {op.state === 'running' ? op.detail : op.state}
          </div>
          {op.error ? <div className="banner error">{op.error}</div> : null}
        </div>
      ) : null}
      {error ? (
        <div className="banner error" role="alert">
          {errorText(error)}
        </div>
      ) : null}
      {confirm ? (
        <ConfirmClusterDialog
          action={confirm}
          clusterName={clusterName}
          onClose={() => setConfirm(null)}
          onConfirm={(uninstall) => {
            setConfirm(null);
            run.mutate({ action: confirm, uninstall });
          }}
        />
      ) : null}
    </section>
  );
}
