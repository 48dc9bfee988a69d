/**
 * Clusters: the first screen. An empty state that invites "Add cluster", else the cluster list;
 * each card's name opens the cluster's home (its Bring-up page, where its live state is), and a
 * summary slot (filled by the shell with what bring-up knows) says its state and what to do next.
 * Removing asks first in a styled dialog.
 */
import { useEffect, useState, type ReactNode } from 'react';
import type { Cluster } from '../../../shared';
import { useShell } from '../../shell/ui-store';
import { ConfirmDialog, ErrorBanner, formatDateTime } from '../../ui';
import { AddClusterDialog } from './AddClusterDialog';
import { useClusters, useRemoveCluster } from './use-clusters';

export function ClustersPage({ summary }: { summary?: (cluster: Cluster) => ReactNode }) {
  const clusters = useClusters();
  const remove = useRemoveCluster();
  const go = useShell((s) => s.go);
  const selectCluster = useShell((s) => s.selectCluster);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<Cluster | null>(null);
  const open = (c: Cluster) => {
    selectCluster(c.id);
    go('bringup');
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing =
        e.target instanceof HTMLElement &&
        ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName);
      if (
        e.key === 'n' &&
        !typing &&
        !e.ctrlKey &&
        !e.metaKey &&
        !e.altKey &&
        !useShell.getState().helpOpen
      ) {
        e.preventDefault();
        setAdding(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  let body;
  if (clusters.isPending)
    body = <div className="skeleton" aria-busy="true" aria-label="Loading clusters" />;
  else if (clusters.isError)
    body = <ErrorBanner error={clusters.error} prefix="Could not load clusters" />;
  else if (clusters.data.length === 0)
    body = (
      <div className="empty-state" data-testid="clusters-empty">
        <div className="empty-icon" aria-hidden>
          ◫
        </div>
        <h2>No clusters yet</h2>
        <p>
          Add a cluster, then its GPU nodes over SSH. Raydeck installs Ray on them, starts the head
          and workers, and deploys your models.
        </p>
        <button className="btn primary" onClick={() => setAdding(true)}>
          Add cluster
        </button>
        <p className="muted small">
          Tip: press <kbd>n</kbd> for a new cluster, <kbd>?</kbd> for all shortcuts.
        </p>
      </div>
    );
  else
    body = (
      <>
        <div className="toolbar">
          <span className="muted">
            {clusters.data.length} cluster{clusters.data.length === 1 ? '' : 's'}
          </span>
          <button className="btn primary" onClick={() => setAdding(true)}>
            Add cluster
          </button>
        </div>
        <ErrorBanner error={remove.error} />
        <ul className="card-list" aria-label="Clusters">
          {clusters.data.map((c) => (
            <li key={c.id} className="card" data-testid="cluster-card">
              <div className="card-main">
                <h3>
                  <button
                    type="button"
                    className="linklike cluster-link"
                    onClick={() => open(c)}
                    title={`Open ${c.name}: its state, nodes and bring-up`}
                  >
                    {c.name}
                  </button>
                </h3>
                <p className="muted small" data-testid="cluster-card-facts">
                  {c.nodeCount === 0
                    ? 'No nodes yet'
                    : `${c.nodeCount} node${c.nodeCount === 1 ? '' : 's'}`}{' '}
                  · added {formatDateTime(c.createdAt)}
                </p>
                {summary && c.nodeCount > 0 ? summary(c) : null}
              </div>
              <div className="card-actions">
                <button
                  className="btn"
                  onClick={() => {
                    selectCluster(c.id);
                    go('nodes');
                  }}
                >
                  Add nodes
                </button>
                <button
                  className="btn ghost danger"
                  aria-label={`Remove ${c.name}`}
                  onClick={() => setRemoving(c)}
                >
                  Remove
                </button>
              </div>
            </li>
          ))}
        </ul>
      </>
    );

  return (
    <section className="page" aria-labelledby="clusters-heading">
      <h2 id="clusters-heading" className="sr-only">
        Clusters
      </h2>
      {body}
      {adding ? <AddClusterDialog onClose={() => setAdding(false)} /> : null}
      {removing ? (
        <ConfirmDialog
          testId="remove-cluster-confirm"
          title={`Remove ${removing.name}?`}
          body={`Raydeck forgets ${removing.name} and its list of nodes. Nothing on the nodes themselves is touched: Ray keeps running there if it runs.`}
          confirm="Remove"
          cancel={`Keep ${removing.name}`}
          onClose={() => setRemoving(null)}
          onConfirm={() => {
            remove.mutate(removing.id);
            setRemoving(null);
          }}
        />
      ) : null}
    </section>
  );
}
