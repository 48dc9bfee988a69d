/**
 * Pages whose features have not landed yet: an honest empty state that says what the page will
 * do and what to do now, instead of a blank screen or a fake.
 */
import type { PageId } from '../../shell/pages';
import { useShell } from '../../shell/ui-store';
import { useCurrentCluster } from '../clusters';

const TEXT: Record<string, { title: string; body: string }> = {
  nodes: {
    title: 'Nodes',
    body: 'Add GPU nodes over SSH (key, agent or password, jump hosts), verify their host keys and run preflight checks.',
  },
  bringup: {
    title: 'Bring-up',
    body: 'Install Ray on your nodes and start the head and workers, step by step, with live logs and retry.',
  },
  pipeline: {
    title: 'Pipeline',
    body: 'Compose embedding → reranker → LLM pipelines visually and compile them into a Ray Serve config.',
  },
  serve: {
    title: 'Serve',
    body: 'Edit Serve applications in forms or YAML, diff against the live config, apply and roll back.',
  },
  monitor: {
    title: 'Monitor',
    body: 'Replica health, queue depth and GPU utilization, live, with one-click scale changes.',
  },
  terminal: { title: 'Terminal', body: 'Shells on any node and on this machine, in tabs.' },
};

export function ComingPage({ page }: { page: PageId }) {
  const go = useShell((s) => s.go);
  const text = TEXT[page] ?? { title: page, body: '' };
  // "Start by adding a cluster" reads wrong once there is one (issue 19): point at what exists.
  const { clusters, current } = useCurrentCluster();
  const has = (clusters.data?.length ?? 0) > 0;
  return (
    <section className="page">
      <div className="empty-state" data-testid={`empty-${page}`}>
        <div className="empty-icon" aria-hidden>
          ○
        </div>
        <h2>{text.title} is not in this build yet</h2>
        <p>{text.body}</p>
        {has ? (
          <>
            <p className="muted" data-testid="coming-next">
              This page fills in as its features arrive. Meanwhile,{' '}
              {current ? current.name : 'your cluster'}'s state, nodes and bring-up are on the
              Bring-up page.
            </p>
            <button className="btn" onClick={() => go('bringup')}>
              Go to Bring-up
            </button>
          </>
        ) : (
          <>
            <p className="muted" data-testid="coming-next">
              Start by adding a cluster; this page fills in as its features arrive.
            </p>
            <button className="btn" onClick={() => go('clusters')}>
              Go to Clusters
            </button>
          </>
        )}
      </div>
    </section>
  );
}
