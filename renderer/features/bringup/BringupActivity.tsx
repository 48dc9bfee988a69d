/**
 * Bring-ups as Activity entries (issue 19 item 7: Activity promised them and left them out):
 * one card per run of every cluster, newest first, with the cluster's name, when it started,
 * its state, progress and outcome, and a link to follow it on the Bring-up page.
 */
import type { BringUpRun, Cluster } from '../../../shared';
import { useShell } from '../../shell/ui-store';
import { formatDateTime } from '../../ui';
import { formatElapsed, nodeState, plural, runProgress, verifiedSummary } from './run-format';
import { useNow } from './step-parts';
import { useRunsOfClusters } from './use-bringup';

/** Every run (reviewed plans excluded) of these clusters, newest first, with its cluster. */
export function useAllBringups(
  clusters: readonly Cluster[],
): { run: BringUpRun; cluster: Cluster }[] {
  const results = useRunsOfClusters(clusters.map((c) => c.id));
  const out: { run: BringUpRun; cluster: Cluster }[] = [];
  results.forEach((r, i) => {
    for (const run of r.data ?? [])
      if (run.state !== 'planned') out.push({ run, cluster: clusters[i]! });
  });
  return out.sort((a, b) => (b.run.startedAt ?? '').localeCompare(a.run.startedAt ?? ''));
}

function outcome(run: BringUpRun): string {
  const running = run.state === 'running';
  if (run.state === 'succeeded' && run.verified) return verifiedSummary(run.verified);
  const failed = run.nodes.filter((n) => nodeState(n, running) === 'failed').map((n) => n.nodeName);
  if (failed.length)
    return `${plural(failed.length, 'node', 'nodes')} failed: ${failed.join(', ')}`;
  if (running) {
    const step = run.nodes.flatMap((n) =>
      n.steps
        .filter((s) => s.state === 'running')
        .map((s) => `${n.nodeName}: ${s.title}${s.detail ? ` — ${s.detail}` : ''}`),
    )[0];
    return step ?? 'Starting';
  }
  return run.state;
}

export function BringupActivityCard({
  run,
  cluster,
  now,
}: {
  run: BringUpRun;
  cluster: Cluster;
  now: number;
}) {
  const go = useShell((s) => s.go);
  const selectCluster = useShell((s) => s.selectCluster);
  const pct = Math.round(runProgress(run) * 100);
  const running = run.state === 'running';
  const ticking = useNow(running);
  return (
    <li
      className="card op-card"
      data-testid="activity-bringup"
      data-state={run.state}
      data-cluster={cluster.name}
    >
      <div className="op-head">
        <button
          className="linklike"
          onClick={() => {
            selectCluster(cluster.id);
            go('bringup');
          }}
          title="Follow it on the Bring-up page"
        >
          Bring-up of {cluster.name}
        </button>
        <span className={`badge state-${run.state}`}>{run.state}</span>
        <span className="muted small" data-testid="activity-when">
          {run.startedAt ? formatDateTime(run.startedAt) : ''}
        </span>
        <span className="muted small">
          {formatElapsed(run.startedAt, run.endedAt, running ? ticking : now) ?? ''}
        </span>
      </div>
      <div
        className={`progress progress-${run.state}`}
        role="progressbar"
        aria-label={`Bring-up of ${cluster.name}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="bar" style={{ width: `${pct}%` }} />
      </div>
      <div className="muted small">{outcome(run)}</div>
    </li>
  );
}
