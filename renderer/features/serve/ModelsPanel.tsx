/**
 * The cluster's models on the Serve page: each model's source and its folder on the nodes
 * (what a Serve config's `model_source` names), "Put on nodes" (pushed over SFTP with per-node
 * progress and checksums, or fetched by the nodes) on the nodes the user picks, and removal
 * behind a confirmation. Empty state: add the first model.
 */
import { useCallback, useEffect, useState } from 'react';
import { modelDirOnNode, type ClusterModel } from '../../../shared';
import {
  ConfirmDialog,
  Dialog,
  EmptyState,
  ErrorBanner,
  OperationProgress,
  useSingleFlight,
} from '../../ui';
import { useNodes } from '../nodes';
import { AddModelDialog } from './AddModelDialog';
import { useModels, usePlaceModel, useRemoveModel } from './use-models';
import { useFollowedOperation } from './use-followed-operation';

function sourceText(m: ClusterModel): string {
  return m.source.kind === 'local'
    ? `folder ${m.source.dir}`
    : `Hugging Face ${m.source.repo}${m.source.revision ? `@${m.source.revision}` : ''}`;
}

function PlaceDialog({
  model,
  clusterId,
  onClose,
  onStarted,
}: {
  model: ClusterModel;
  clusterId: string;
  onClose(): void;
  onStarted(operationId: string): void;
}) {
  const nodes = useNodes(clusterId);
  const place = usePlaceModel();
  const rayNodes = (nodes.data ?? []).filter((n) => n.role !== 'jump');
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const chosen = picked ?? new Set(rayNodes.map((n) => n.id));
  const toggle = (id: string) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  const verb = model.source.kind === 'local' ? 'Push' : 'Fetch';
  return (
    <Dialog
      title={`${verb} ${model.name} to nodes`}
      onClose={onClose}
      testId="place-model-dialog"
      onSubmit={(e) => {
        e.preventDefault();
        if (place.isPending || chosen.size === 0) return;
        place.mutate(
          { id: model.id, nodeIds: [...chosen] },
          { onSuccess: (r) => onStarted(r.operationId) },
        );
      }}
      actions={
        <>
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={place.isPending || chosen.size === 0}
          >
            {place.isPending ? 'Starting…' : `${verb} to ${chosen.size} node(s)`}
          </button>
        </>
      }
    >
      <p className="muted small">
        Lands in {modelDirOnNode(model.name)} on each node. Put it on the nodes that will host
        replicas of it.
      </p>
      {nodes.isPending ? <div className="skeleton" aria-busy="true" /> : null}
      <fieldset>
        <legend>Nodes</legend>
        {rayNodes.map((n) => (
          <label key={n.id} className="checkbox">
            <input type="checkbox" checked={chosen.has(n.id)} onChange={() => toggle(n.id)} />
            {n.name} <span className="muted small">{n.host}</span>
          </label>
        ))}
      </fieldset>
      <ErrorBanner error={nodes.error ?? place.error} />
    </Dialog>
  );
}

function PlaceProgress({
  operationId,
  onDismiss,
  onEnded,
}: {
  operationId: string;
  onDismiss(): void;
  onEnded(): void;
}) {
  const { op, lines } = useFollowedOperation(operationId);
  const state = op?.state ?? 'running';
  useEffect(() => {
    if (state !== 'running') onEnded();
  }, [state, onEnded]);
  return (
    <div className="card op-card" data-testid="model-place" data-state={state}>
      <div className="op-head">
        <strong>{op?.title ?? 'Placing the model'}</strong>
        <span className={`badge state-${state}`}>{state}</span>
        {state !== 'running' ? (
          <button type="button" className="btn ghost small" onClick={onDismiss}>
            Dismiss
          </button>
        ) : null}
      </div>
      <OperationProgress op={op} label="Model placement" />
      <div className="muted small" data-testid="model-place-detail">
        {op?.detail ?? 'Starting…'}
      </div>
      {op?.error ? (
        <div className="banner error" role="alert">
          {op.error}
        </div>
      ) : null}
      <pre className="log-pane small" aria-label="Placement log">
        {lines.slice(-8).map((l, i) => (
          <div key={i} className={`log-${l.stream}`}>
            {l.line}
          </div>
        ))}
      </pre>
    </div>
  );
}

export function ModelsPanel({
  clusterId,
  clusterName,
}: {
  clusterId: string;
  clusterName: string;
}) {
  const models = useModels(clusterId);
  const remove = useRemoveModel(clusterId);
  const once = useSingleFlight();
  const [adding, setAdding] = useState(false);
  const [placing, setPlacing] = useState<ClusterModel | null>(null);
  const [removing, setRemoving] = useState<ClusterModel | null>(null);
  const [following, setFollowing] = useState<string | null>(null);
  // One placement at a time; its card stays (with its log) after it ended.
  const [placeBusy, setPlacingBusy] = useState(false);
  const list = models.data ?? [];
  const endPlacing = useCallback(() => setPlacingBusy(false), []);
  return (
    <section className="panel serve-models" aria-label="Models" data-testid="models-panel">
      <div className="panel-head">
        <h3>Models of {clusterName}</h3>
        <button type="button" className="btn" onClick={() => setAdding(true)}>
          Add model
        </button>
      </div>
      <ErrorBanner error={models.error} prefix="Could not read the models" />
      {following ? (
        <PlaceProgress
          operationId={following}
          onDismiss={() => setFollowing(null)}
          onEnded={endPlacing}
        />
      ) : null}
      {models.isPending ? (
        <div className="skeleton" aria-busy="true" aria-label="Loading the models" />
      ) : list.length === 0 ? (
        <EmptyState
          testId="models-empty"
          title="No models yet"
          text="Add a model folder from this computer (Raydeck pushes it to the nodes over SFTP) or a Hugging Face repo the nodes fetch. Serve configs then name its folder on the nodes."
          action="Add model"
          onAction={() => setAdding(true)}
        />
      ) : (
        <table className="data-table compact" aria-label="Models">
          <thead>
            <tr>
              <th>Name</th>
              <th>Source</th>
              <th>On the nodes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((m) => (
              <tr key={m.id} data-testid={`model-${m.name}`}>
                <td>{m.name}</td>
                <td className="small">{sourceText(m)}</td>
                <td>
                  <code>{modelDirOnNode(m.name)}</code>
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="btn small"
                    disabled={placeBusy}
                    onClick={() => setPlacing(m)}
                  >
                    Put on nodes
                  </button>
                  <button
                    type="button"
                    className="btn ghost small danger"
                    onClick={() => setRemoving(m)}
                  >
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ErrorBanner error={remove.error} prefix="Could not remove the model" />
      {adding ? <AddModelDialog clusterId={clusterId} onClose={() => setAdding(false)} /> : null}
      {placing ? (
        <PlaceDialog
          model={placing}
          clusterId={clusterId}
          onClose={() => setPlacing(null)}
          onStarted={(id) => {
            setPlacing(null);
            setPlacingBusy(true);
            setFollowing(id);
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.name}?`}
          body="Raydeck forgets this model. Files already on the nodes stay where they are."
          confirm="Remove"
          danger
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            once((done) => {
              const m = removing;
              setRemoving(null);
              remove.mutate(m.id, { onSettled: done });
            })
          }
        />
      ) : null}
    </section>
  );
}
