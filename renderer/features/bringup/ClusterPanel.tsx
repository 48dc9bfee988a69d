/**
 * The cluster's home: the live Ray cluster as the head's dashboard reports it (state, Ray
 * version, nodes with their GPUs, whether the dashboard answers), with Refresh, Start, Stop and
 * Tear down, and the day-2 worker changes: add the workers Ray does not run, drain and remove a
 * live one. Stop, tear down and removing a worker ask first; their operation's progress shows
 * right under the state badge, which says what is happening meanwhile ("stopping…").
 * Before anything was ever brought up there is nothing to start: the panel says so and points at
 * "Review plan" / "Bring up" instead of offering a Start that would run a whole bring-up
 * (issue 19 item 1; the core refuses such a start too, and its message shows here if it does).
 */
import { useRef, useState } from 'react';
import type { RayNodeStatus } from '../../../shared';
import { ErrorBanner, useSingleFlight } from '../../ui';
import { AddWorkers } from './AddWorkers';
import { ConfirmClusterDialog } from './ConfirmClusterDialog';
import { ConfirmRemoveWorkerDialog } from './ConfirmRemoveWorkerDialog';
import { RayNodesTable } from './RayNodesTable';
import { CLUSTER_STATE_TEXT, everInstalled, plural } from './run-format';
import { useRuns } from './use-bringup';
import {
  useClusterOperation,
  useClusterStatus,
  useRayDashboardLink,
  type ClusterAction,
  type ClusterOpRequest,
} from './use-cluster-ops';

/** What the state badge says while an operation on the cluster runs. */
function busyText(request: ClusterOpRequest | null): string | null {
  if (request?.action === 'stop') return 'stopping…';
  if (request?.action === 'down') return 'tearing down…';
  if (request?.action === 'remove-worker') return `removing ${request.nodeName}…`;
  return null;
}

const STATE_CLASS = {
  running: 'state-succeeded',
  degraded: 'state-cancelled',
  stopped: 'state-cancelled',
  unreachable: 'state-failed',
  'no-head': '',
} as const;

/**
 * `onRunStarted`: a bring-up started from here (Start, Add workers) is what the page should show now.
 * `onReview`: reviews the bring-up plan (the next step before the first bring-up).
 */
export function ClusterPanel({
  clusterId,
  clusterName,
  runActive,
  onRunStarted,
  onReview,
}: {
  clusterId: string;
  clusterName: string;
  runActive: boolean;
  onRunStarted: () => void;
  onReview: () => void;
}) {
  const status = useClusterStatus(clusterId);
  const runs = useRuns(clusterId);
  const { op, request, running, run, start } = useClusterOperation(clusterId);
  const once = useSingleFlight();
  const [confirm, setConfirm] = useState<ClusterAction | null>(null);
  const [removing, setRemoving] = useState<RayNodeStatus | null>(null);
  const s = status.data;
  const rayUp = s?.state === 'running' || s?.state === 'degraded';
  const dashboard = useRayDashboardLink(clusterId, rayUp);
  const busy = running || runActive;
  const why = runActive
    ? 'A bring-up is running.'
    : running
      ? 'Wait for the operation on the cluster to end.'
      : undefined;
  const addBlocked = runActive
    ? 'A bring-up is running: wait for it or cancel it first.'
    : running
      ? 'Wait for the operation on the cluster to end.'
      : null;
  const removedName = request?.action === 'remove-worker' ? request.nodeName : undefined;
  const indeterminate = op?.state === 'running' && op.progress === null;
  const pct =
    op?.state === 'succeeded' ? 100 : op?.progress == null ? 0 : Math.round(op.progress * 100);
  const error = run.error ?? start.error;
  const opRunning = op?.state === 'running' || (running && !runActive);
  const badgeBusy = opRunning ? busyText(request) : null;
  const opView = op ? (
    <div
      className="bu-cluster-op"
      data-testid="cluster-operation"
      data-state={op.state}
      data-kind={op.kind}
      data-node={removedName}
    >
      <div
        className={`progress progress-${op.state}`}
        role="progressbar"
        aria-label={op.title}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={indeterminate ? undefined : pct}
      >
        <div
          className={indeterminate ? 'bar indeterminate' : 'bar'}
          style={indeterminate ? undefined : { width: `${pct}%` }}
        />
      </div>
      <div className="muted small">
        {op.title}: {op.state === 'running' ? op.detail : op.state}
      </div>
      <ErrorBanner error={op.error} testId="cluster-operation-error">
        {op.error}
      </ErrorBanner>
      {removedName && op.state === 'succeeded' ? (
        <div className="banner" role="status" data-testid="remove-worker-done">
          {removedName} left the cluster: drained, Ray stopped there, removed from the inventory.
        </div>
      ) : null}
    </div>
  ) : null;
  const startRay = () => {
    once((done) => start.mutate(undefined, { onSuccess: onRunStarted, onSettled: done }));
  };
  // Ray seen running here means something is installed, even if no run we know of installed it (runs age out).
  const seenRunning = useRef(false);
  if (rayUp) seenRunning.current = true;
  // Nothing installed by any run we know of, and no Ray seen: there is nothing to start yet.
  const notBroughtUp = runs.isSuccess && !everInstalled(runs.data) && !seenRunning.current;

  if (notBroughtUp && !op)
    return (
      <section
        className="panel"
        aria-labelledby="bu-cluster-title"
        data-testid="cluster-panel"
        data-state="not-brought-up"
      >
        <div className="panel-head">
          <h3 id="bu-cluster-title">Cluster</h3>
        </div>
        <div className="bu-cluster-empty" data-testid="cluster-not-brought-up">
          <p>
            <span className="badge">not brought up yet</span> Nothing is installed on {clusterName}
            's nodes yet, so there is no Ray to start or stop.
          </p>
          <p className="muted">
            Next: review the plan, then press <strong>Bring up</strong>. Raydeck installs Ray on
            each node, starts the head and joins the workers; this panel then shows the live cluster
            with Start, Stop and Tear down.
          </p>
          <button type="button" className="btn primary" onClick={onReview} disabled={runActive}>
            Review plan
          </button>
        </div>
        <ErrorBanner error={error} testId="cluster-error" />
      </section>
    );

  return (
    <section
      className="panel"
      aria-labelledby="bu-cluster-title"
      data-testid="cluster-panel"
      data-state={s?.state ?? 'unknown'}
    >
      <div className="panel-head">
        <h3 id="bu-cluster-title">Cluster</h3>
        <div className="toolbar-actions">
          <button
            type="button"
            className="btn ghost"
            onClick={() => void status.refetch()}
            disabled={status.isFetching}
            aria-label="Refresh cluster status"
          >
            {status.isFetching ? 'Refreshing…' : 'Refresh'}
          </button>
          <button
            type="button"
            className="btn"
            onClick={startRay}
            disabled={busy || start.isPending || s?.state === 'running'}
            title={why}
            aria-label="Start Ray on every node"
          >
            {start.isPending ? 'Starting…' : 'Start'}
          </button>
          {dashboard.data ? (
            <a
              className="btn ghost"
              href={dashboard.data.url}
              target="_blank"
              rel="noopener noreferrer"
              data-testid="ray-dashboard-link"
              title="Ray's own dashboard, through the head's SSH connection (nothing opened on the network)"
            >
              Ray dashboard ↗
            </a>
          ) : null}
          <button
            type="button"
            className="btn"
            onClick={() => setConfirm('stop')}
            disabled={busy || !rayUp}
            title={why}
            aria-label="Stop Ray on every node"
          >
            Stop
          </button>
          <button
            type="button"
            className="btn danger"
            onClick={() => setConfirm('down')}
            disabled={busy || s?.state === 'no-head'}
            title={why}
          >
            Tear down…
          </button>
        </div>
      </div>
      {status.isPending ? (
        <div className="skeleton" aria-busy="true" aria-label="Reading the cluster status" />
      ) : null}
      <ErrorBanner error={status.error} prefix="Could not read the cluster status" />
      {s ? (
        <div className="bu-cluster">
          <p>
            <span
              className={`badge ${badgeBusy ? 'state-running' : STATE_CLASS[s.state]}`}
              data-testid="cluster-state"
              data-busy={badgeBusy ? 'true' : undefined}
            >
              {badgeBusy ?? CLUSTER_STATE_TEXT[s.state]}
            </span>{' '}
            <span className="muted">
              {badgeBusy ? `was ${CLUSTER_STATE_TEXT[s.state]}` : s.detail}
            </span>
          </p>
          {opView}
          <dl className="key-facts">
            <dt>Ray version</dt>
            <dd data-testid="cluster-ray-version">{s.rayVersion ?? '—'}</dd>
            <dt>Dashboard</dt>
            <dd
              data-testid="cluster-dashboard"
              className={s.dashboardReachable ? 'ok-text' : 'bad-text'}
            >
              {s.dashboardReachable ? 'reachable (through the SSH tunnel)' : 'not reachable'}
            </dd>
            <dt>Nodes</dt>
            <dd>
              {s.aliveNodes} of {plural(s.nodes.length, 'node', 'nodes')} alive ·{' '}
              {plural(s.gpus, 'GPU', 'GPUs')}
            </dd>
          </dl>
          {s.nodes.length ? (
            <RayNodesTable nodes={s.nodes} busy={busy} why={why} onRemove={setRemoving} />
          ) : null}
          {s.state === 'running' ? (
            <AddWorkers
              clusterId={clusterId}
              status={s}
              blocked={addBlocked}
              onStarted={onRunStarted}
            />
          ) : null}
        </div>
      ) : (
        opView
      )}
      <ErrorBanner error={error} testId="cluster-error" />
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
