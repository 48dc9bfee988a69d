/** Clusters: the first screen. An empty state that invites "Add cluster", else the cluster list. */
import { useEffect, useState } from 'react';
import { errorText } from '../../app/error-text';
import { useShell } from '../../shell/ui-store';
import { AddClusterDialog } from './AddClusterDialog';
import { useClusters, useRemoveCluster } from './use-clusters';

export function ClustersPage() {
  const clusters = useClusters();
  const remove = useRemoveCluster();
  const go = useShell((s) => s.go);
  const selectCluster = useShell((s) => s.selectCluster);
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const typing = e.target instanceof HTMLElement && ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.target.tagName);
      if (e.key === 'n' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && !useShell.getState().helpOpen) {
        e.preventDefault();
        setAdding(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  let body;
  if (clusters.isPending) body = <div className="skeleton" aria-busy="true" aria-label="Loading clusters" />;
  else if (clusters.isError)
    body = (
      <div className="banner error" role="alert">
        Could not load clusters: {errorText(clusters.error)}
      </div>
    );
  else if (clusters.data.length === 0)
    body = (
      <div className="empty-state" data-testid="clusters-empty">
        <div className="empty-icon" aria-hidden>
          ◫
        </div>
        <h2>No clusters yet</h2>
        <p>Add a cluster, then its GPU nodes over SSH. Raydeck installs Ray on them, starts the head and workers, and deploys your models.</p>
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
        {remove.isError ? (
          <div className="banner error" role="alert">
            {errorText(remove.error)}
          </div>
        ) : null}
        <ul className="card-list" aria-label="Clusters">
          {clusters.data.map((c) => (
            <li key={c.id} className="card" data-testid="cluster-card">
              <div className="card-main">
                <h3>{c.name}</h3>
                <p className="muted small">
                  {c.nodeCount === 0 ? 'No nodes yet' : `${c.nodeCount} node${c.nodeCount === 1 ? '' : 's'}`} · added{' '}
                  {new Date(c.createdAt).toLocaleString()}
                </p>
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
                  onClick={() => {
                    if (window.confirm(`Remove cluster "${c.name}" from Raydeck? Nothing on its nodes is touched.`)) remove.mutate(c.id);
                  }}
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
    </section>
  );
}
