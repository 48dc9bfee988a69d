/**
 * One line on a cluster's card (Clusters page): what bring-up knows of it — running now, brought
 * up and verified (nodes, GPUs, Ray version), failed, or not brought up yet — and the next step.
 * It reads only the cluster's runs (local), never the nodes, so a list of clusters costs no SSH.
 */
import type { Cluster } from '../../../shared';
import { useShell } from '../../shell/ui-store';
import { formatDateTime } from '../../ui';
import { lastVerifiedRun, newestRun, verifiedSummary } from './run-format';
import { useRuns } from './use-bringup';

export function ClusterCardSummary({ cluster }: { cluster: Cluster }) {
  const runs = useRuns(cluster.id);
  const go = useShell((s) => s.go);
  const selectCluster = useShell((s) => s.selectCluster);
  if (!runs.data) return null;
  const newest = newestRun(runs.data);
  const verified = lastVerifiedRun(runs.data);
  const open = () => {
    selectCluster(cluster.id);
    go('bringup');
  };
  let state: string;
  let text: string;
  let next: string;
  if (newest?.state === 'running') {
    state = 'running';
    text = `Bring-up running since ${newest.startedAt ? formatDateTime(newest.startedAt) : 'now'}`;
    next = 'Follow it';
  } else if (verified?.verified) {
    state = 'succeeded';
    text = `Brought up ${verified.endedAt ? formatDateTime(verified.endedAt) : ''}: ${verifiedSummary(verified.verified)}`;
    next = 'Open';
  } else if (newest) {
    state = 'failed';
    text = `Last bring-up ${newest.state}${newest.endedAt ? ` ${formatDateTime(newest.endedAt)}` : ''}: fix the cause and retry`;
    next = 'Open';
  } else {
    state = 'none';
    text = 'Not brought up yet. Next: review the plan and bring it up.';
    next = 'Bring up…';
  }
  return (
    <p className="small cluster-summary" data-testid="cluster-summary" data-state={state}>
      <span
        className={
          state === 'none'
            ? 'muted'
            : state === 'failed'
              ? 'bad-text'
              : state === 'succeeded'
                ? 'ok-text'
                : ''
        }
      >
        {text}
      </span>{' '}
      <button
        type="button"
        className="btn small"
        onClick={open}
        aria-label={`${next} ${cluster.name}`}
      >
        {next}
      </button>
    </p>
  );
}
