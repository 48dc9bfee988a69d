/**
 * The live Ray cluster as the head's dashboard reports it (state, Ray version, nodes with their
 * GPUs, whether the dashboard answers), with Refresh, Start, Stop and Tear down, and the day-2
 * worker changes: add the workers Ray does not run, drain and remove a live one. Stop, tear
 * down and removing a worker ask first and then show their operation's progress and outcome.
 */
import { useState } from 'react';
import type { RayNodeStatus } from '../../../shared';
import { errorText } from '../../app/error-text';
import { AddWorkers } from './AddWorkers';
import { ConfirmClusterDialog } from './ConfirmClusterDialog';
import { ConfirmRemoveWorkerDialog } from './ConfirmRemoveWorkerDialog';
import { RayNodesTable } from './RayNodesTable';
import { CLUSTER_STATE_TEXT, plural } from './run-format';
import { useClusterOperation, useClusterStatus, type ClusterAction } from './use-cluster-ops';

const STATE_CLASS = { running: 'state-succeeded', stopped: 'state-cancelled', unreachable: 'state-failed', 'no-head': '' } as const;

/** `onRunStarted`: a bring-up started from here (Start, Add workers) is what the page should show now. */
export function ClusterPanel({ clusterId, clusterName, runActive, onRunStarted }: { clusterId: string; clusterName: string; runActive: boolean; onRunStarted: () => void }) {
  const status = useClusterStatus(clusterId);
  const { op, request, running, run, start } = useClusterOperation(clusterId);
  const [confirm, setConfirm] = useState<ClusterAction | null>(null);
  const [removing, setRemoving] = useState<RayNodeStatus | null>(null);
  const s = status.data;
  const busy = running || runActive;
  const why = runActive ? 'A bring-up is running.' : running ? 'Wait for the operation below to end.' : undefined;
  const addBlocked = runActive ? 'A bring-up is running: wait for it or cancel it first.' : running ? 'Wait for the operation below to end.' : null;
  const removedName = request?.action === 'remove-worker' ? request.nodeName : undefined;
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
          <button type="button" className="btn" onClick={() => start.mutate(undefined, { onSuccess: onRunStarted })} disabled={busy || s?.state === 'running'} title={why} aria-label="Start Ray on every node">
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
          {s.nodes.length ? <RayNodesTable nodes={s.nodes} busy={busy} why={why} onRemove={setRemoving} /> : null}
          {s.state === 'running' ? <AddWorkers clusterId={clusterId} status={s} blocked={addBlocked} onStarted={onRunStarted} /> : null}
        </div>
      ) : null}
      {op ? (
        <div className="bu-cluster-op" data-testid="cluster-operation" data-state={op.state} data-kind={op.kind} data-node={removedName}>
          <div className={`progress progress-${op.state}`} role="progressbar" aria-label={op.title} aria-valuemin={0} aria-valuemax={100} aria-valuenow={indeterminate ? undefined : pct}>
            <div className={indeterminate ? 'bar indeterminate' : 'bar'} style={indeterminate ? undefined : { width: `${pct}%` }} />
          </div>
          <div className="muted small">
            {op.title}: {op.state === 'running' ? op.detail : op.state}
          </div>
          {op.error ? (
            <div className="banner error" role="alert" data-testid="cluster-operation-error">
              {op.error}
            </div>
          ) : null}
          {removedName && op.state === 'succeeded' ? (
            <div className="banner" role="status" data-testid="remove-worker-done">
              {removedName} left the cluster: drained, Ray stopped there, removed from the inventory.
            </div>
          ) : null}
        </div>
      ) : null}
      {error ? (
        <div className="banner error" role="alert" data-testid="cluster-error">
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
            run.mutate(confirm === 'stop' ? { action: 'stop' } : { action: 'down', uninstall });
          }}
        />
      ) : null}
      {removing?.nodeId ? (
        <ConfirmRemoveWorkerDialog
          nodeName={removing.name}
          clusterName={clusterName}
          onClose={() => setRemoving(null)}
          onConfirm={() => {
            const { nodeId, name } = removing;
            setRemoving(null);
            if (nodeId) run.mutate({ action: 'remove-worker', nodeId, nodeName: name });
          }}
        />
      ) : null}
    </section>
  );
}
