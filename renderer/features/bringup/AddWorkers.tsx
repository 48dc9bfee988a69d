/**
 * "Add workers" in the Cluster panel of a running cluster: the inventory's workers that Ray does
 * not run, a checkbox each, and "Add to the cluster", which starts a bring-up of only those
 * nodes (`nodeIds`) with the options form's source and vLLM choice; the head then only verifies.
 * The run shows in the page's run view like any other.
 */
import { useState, type FormEvent } from 'react';
import { RaydeckError, type ClusterStatus } from '../../../shared';
import { errorText } from '../../app/error-text';
import { useShell } from '../../shell/ui-store';
import { draftToOptions, useDraft } from './bringup-form-store';
import { workersToAdd } from './cluster-workers';
import { plural, sourceText } from './run-format';
import { useRayNodes, useStartRun } from './use-bringup';
import { ErrorBanner, useSingleFlight } from '../../ui';

/** The options form's fields by the core's path, so a rejected option names what to fix above. */
const OPTION_LABEL: Record<string, string> = {
  'options.source.url': 'Index URL',
  'options.source.dir': 'Wheelhouse folder',
  'options.source': 'Package source',
  'options.withVllm': 'Install vLLM',
};

function startErrorText(err: unknown): string {
  if (err instanceof RaydeckError && err.issues?.length)
    return `Check the options above: ${err.issues.map((i) => `${OPTION_LABEL[i.path] ?? i.path} ${i.message}`).join('; ')}`;
  return errorText(err);
}

export function AddWorkers({
  clusterId,
  status,
  blocked,
  onStarted,
}: {
  clusterId: string;
  status: ClusterStatus;
  blocked: string | null;
  onStarted: () => void;
}) {
  const go = useShell((s) => s.go);
  const nodes = useRayNodes(clusterId);
  const startRun = useStartRun(clusterId);
  const draft = useDraft(clusterId);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [added, setAdded] = useState<string[] | null>(null);
  const candidates = workersToAdd(nodes.data ?? [], status);
  // A node that joined meanwhile (or left the inventory) is no longer a choice.
  const picked = candidates.filter((w) => chosen.has(w.node.id)).map((w) => w.node);
  const disabled = blocked !== null || startRun.isPending || picked.length === 0;
  const options = draftToOptions(draft);

  const toggle = (id: string, on: boolean) =>
    setChosen((old) => {
      const next = new Set(old);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const once = useSingleFlight();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (disabled) return;
    const names = picked.map((n) => n.name);
    once((done) => {
      setAdded(null);
      startRun.mutate(
        { ...options, nodeIds: picked.map((n) => n.id) },
        {
          onSuccess: () => {
            setChosen(new Set());
            setAdded(names);
            onStarted();
          },
          onSettled: done,
        },
      );
    });
  };

  let body;
  if (nodes.isPending)
    body = <div className="skeleton" aria-busy="true" aria-label="Loading the workers" />;
  else if (nodes.isError)
    body = <ErrorBanner error={nodes.error} prefix="Could not load the workers" />;
  else if (candidates.length === 0)
    body = (
      <p className="muted bu-add-empty" data-testid="add-workers-empty">
        Every worker is in the cluster. Add nodes on the Nodes page, then add them here.{' '}
        <button type="button" className="btn ghost small" onClick={() => go('nodes')}>
          Go to Nodes
        </button>
      </p>
    );
  else
    body = (
      <>
        <fieldset className="bu-add-list">
          <legend className="sr-only">Workers that Ray does not run</legend>
          {candidates.map(({ node, ray }) => (
            <div
              key={node.id}
              className="bu-add-row"
              data-testid="add-worker"
              data-node={node.name}
            >
              <label className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.has(node.id)}
                  onChange={(e) => toggle(node.id, e.target.checked)}
                  aria-describedby={`bu-add-${node.id}`}
                />
                {node.name}
              </label>
              <span id={`bu-add-${node.id}`} className="muted small">
                <span className="mono">{node.host}</span> ·{' '}
                {ray === 'dead' ? 'Ray lists it as dead' : 'not in Ray'}
              </span>
            </div>
          ))}
        </fieldset>
        <p className="muted small" id="bu-add-note">
          Installs Ray from {sourceText(options.source)}{' '}
          {options.withVllm ? 'with vLLM' : 'without vLLM'} (the options above) and joins the head;
          the head only verifies that {picked.length > 1 ? 'they' : 'it'} registered.
        </p>
        <div className="dialog-actions left">
          <button
            type="submit"
            className="btn primary"
            disabled={disabled}
            aria-describedby="bu-add-note"
          >
            {startRun.isPending ? 'Adding…' : 'Add to the cluster'}
          </button>
          {blocked ? (
            <span className="muted small">{blocked}</span>
          ) : picked.length ? (
            <span className="muted small">{plural(picked.length, 'worker', 'workers')} chosen</span>
          ) : null}
        </div>
      </>
    );

  return (
    <form
      className="bu-add-workers"
      aria-labelledby="bu-add-title"
      onSubmit={submit}
      data-testid="add-workers"
      noValidate
    >
      <h4 id="bu-add-title">Add workers</h4>
      {body}
      <ErrorBanner error={startRun.error} testId="add-workers-error">
        {startRun.error ? startErrorText(startRun.error) : null}
      </ErrorBanner>
      {added ? (
        <p className="muted small" role="status" data-testid="add-workers-started">
          Adding {added.join(', ')}: follow the bring-up above.
        </p>
      ) : null}
    </form>
  );
}
