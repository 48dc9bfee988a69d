/**
 * Scaling one deployment: a fixed replica count (+/-) or autoscaling min / max / target ongoing
 * requests; "Preview" asks the core what would change (serve.scalePreview: the config diff and
 * the fit — which new replica lands on which node's free GPUs, which stays pending and why,
 * warnings in yellow); "Apply" sends the previewed change through Serve's safe apply
 * (serve.scale) once — a double click does not start it twice — then follows it to RUNNING or
 * failure. The apply is recorded in the Serve page's history.
 */
import { useEffect, useState } from 'react';
import type { DeploymentView, MethodOutput, ScaleChange } from '../../../shared';
import { useShell } from '../../shell/ui-store';
import { ErrorBanner, FollowHead, OperationProgress, useSingleFlight } from '../../ui';
import { diffLines, initialScaleForm, sameChange, scaleChange, type ScaleForm } from './scale-form';
import { useOperation } from './use-operation';
import { useScaleFollows } from './scale-follow-store';
import { useScale, useScalePreview } from './use-monitor';

type Preview = MethodOutput<'serve.scalePreview'>;

function FitPreviewView({ preview }: { preview: Preview }) {
  const fit = preview.fit;
  const lines = diffLines(preview.diff);
  return (
    <div className="fit-preview" data-testid="scale-preview">
      <p>
        {fit.currentReplicas} → <strong>{fit.nextReplicas}</strong> replicas; each asks for{' '}
        {Object.entries(fit.perReplica)
          .map(([k, v]) => `${v} ${k}`)
          .join(', ') || 'nothing'}
        {fit.maxThatFit !== null ? ` · at most ${fit.maxThatFit} fit on the cluster now` : ''}
      </p>
      {preview.warnings.map((w, i) => (
        <div key={i} className="banner warn" data-testid="scale-warning">
          {w}
        </div>
      ))}
      {lines.length ? (
        <ul className="diff-lines" data-testid="scale-diff" aria-label="Config changes">
          {lines.map((l) => (
            <li key={l}>
              <code>{l}</code>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="scale-diff-empty">
          The config would not change.
        </p>
      )}
      {fit.placements.length ? (
        <table className="data-table fit-table" aria-label="Fit preview">
          <thead>
            <tr>
              <th>New replica</th>
              <th>Goes to</th>
              <th>GPUs</th>
              <th>Why pending</th>
            </tr>
          </thead>
          <tbody>
            {fit.placements.map((p) => (
              <tr
                key={p.replica}
                data-testid="fit-row"
                data-replica={p.replica}
                data-node={p.nodeId ?? ''}
                data-pending={p.pending}
                className={p.pending ? 'warn-row' : undefined}
              >
                <td>#{p.replica}</td>
                <td>{p.pending ? 'stays pending' : (p.nodeIp ?? p.nodeId)}</td>
                <td>{p.gpus}</td>
                <td>{p.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

const SCALE_STATE_TEXT = {
  running: 'Applying',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'Not followed',
} as const;

function ScaleFollow({
  operationId,
  version,
  onDismiss,
}: {
  operationId: string;
  version: number;
  onDismiss(): void;
}) {
  const { op, error } = useOperation(operationId);
  const go = useShell((s) => s.go);
  const state = op?.state ?? 'running';
  return (
    <div
      className="mon-card scale-follow"
      data-testid="scale-follow"
      data-state={state}
      data-version={version}
      role="status"
    >
      <FollowHead
        operationId={operationId}
        title={op?.title ?? `Scale (Serve config v${version})`}
        state={state}
        stateText={SCALE_STATE_TEXT}
        onDismiss={onDismiss}
        testId="scale-follow"
      />
      <OperationProgress op={op} label="Scaling progress" />
      <div className="muted small" data-testid="scale-follow-detail">
        {op?.detail ?? 'Starting…'}
      </div>
      <ErrorBanner error={op?.error} testId="scale-follow-error">
        {op?.error}
      </ErrorBanner>
      <ErrorBanner
        error={error}
        prefix="Lost track of this change; its result is in the Serve history"
      />
      <button type="button" className="linklike" onClick={() => go('serve')}>
        See v{version} in the Serve page's history
      </button>
    </div>
  );
}

export function ScalePanel({ clusterId, d }: { clusterId: string; d: DeploymentView }) {
  const target = { clusterId, app: d.app, deployment: d.name };
  const [form, setForm] = useState<ScaleForm>(() => initialScaleForm(d));
  const [previewed, setPreviewed] = useState<{ change: ScaleChange; result: Preview } | null>(null);
  const followKey = `${clusterId}/${d.key}`;
  const started = useScaleFollows((s) => s.byKey[followKey] ?? null);
  const follow = useScaleFollows((s) => s.follow);
  const preview = useScalePreview(target);
  const scale = useScale(target);
  const once = useSingleFlight();
  // Another deployment: start over from what it runs.
  useEffect(() => {
    setForm(initialScaleForm(d));
    setPreviewed(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d.key]);
  const checked = scaleChange(form);
  const change = 'change' in checked ? checked.change : null;
  const current = previewed && sameChange(previewed.change, change) ? previewed.result : null;
  const set = (k: keyof ScaleForm, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const step = (delta: number) =>
    setForm((f) => ({
      ...f,
      mode: 'replicas',
      replicas: String(Math.max(0, (Number(f.replicas) || 0) + delta)),
    }));
  const doPreview = () => {
    if (!change) return;
    const asked = change;
    scale.reset();
    preview.mutate(asked, { onSuccess: (result) => setPreviewed({ change: asked, result }) });
  };
  const doApply = () =>
    once((done) => {
      if (!current || !change) return done();
      scale.mutate(change, {
        onSuccess: (r) => {
          follow(followKey, { operationId: r.operationId, version: r.version });
          // A new change needs a new preview (what runs is about to move).
          setPreviewed(null);
        },
        onSettled: done,
      });
    });
  return (
    <section className="mon-card scale-panel" aria-label="Scale" data-testid="scale-panel">
      <h3>Scale</h3>
      <div className="scale-modes" role="radiogroup" aria-label="Scaling mode">
        <label>
          <input
            type="radio"
            name="scale-mode"
            checked={form.mode === 'replicas'}
            onChange={() => set('mode', 'replicas')}
          />{' '}
          Fixed replicas
        </label>
        <label>
          <input
            type="radio"
            name="scale-mode"
            checked={form.mode === 'autoscaling'}
            onChange={() => set('mode', 'autoscaling')}
          />{' '}
          Autoscaling
        </label>
      </div>
      {form.mode === 'replicas' ? (
        <div className="scale-row">
          <button
            type="button"
            className="btn"
            aria-label="One replica fewer"
            onClick={() => step(-1)}
          >
            −
          </button>
          <label className="inline-field">
            <span>Replicas</span>
            <input
              className="num-input"
              inputMode="numeric"
              value={form.replicas}
              onChange={(e) => set('replicas', e.target.value)}
              aria-label="Replicas"
            />
          </label>
          <button
            type="button"
            className="btn"
            aria-label="One replica more"
            onClick={() => step(1)}
          >
            +
          </button>
        </div>
      ) : (
        <div className="scale-row">
          <label className="inline-field">
            <span>Min</span>
            <input
              className="num-input"
              inputMode="numeric"
              value={form.min}
              onChange={(e) => set('min', e.target.value)}
              aria-label="Min replicas"
            />
          </label>
          <label className="inline-field">
            <span>Max</span>
            <input
              className="num-input"
              inputMode="numeric"
              value={form.max}
              onChange={(e) => set('max', e.target.value)}
              aria-label="Max replicas"
            />
          </label>
          <label className="inline-field">
            <span>Target ongoing requests</span>
            <input
              className="num-input"
              inputMode="decimal"
              value={form.target}
              placeholder="Ray's default"
              onChange={(e) => set('target', e.target.value)}
              aria-label="Target ongoing requests"
            />
          </label>
        </div>
      )}
      {'error' in checked ? (
        <p className="field-error" role="alert" data-testid="scale-form-error">
          {checked.error}
        </p>
      ) : null}
      <div className="scale-actions">
        <button
          type="button"
          className="btn"
          onClick={doPreview}
          disabled={!change || preview.isPending}
          data-testid="scale-preview-button"
        >
          {preview.isPending ? 'Previewing…' : 'Preview'}
        </button>
        <button
          type="button"
          className="btn primary"
          onClick={doApply}
          disabled={!current || scale.isPending || !current.diff.changed}
          data-testid="scale-apply"
          title={!current ? 'Preview the change first' : undefined}
        >
          {scale.isPending ? 'Applying…' : 'Apply'}
        </button>
      </div>
      <ErrorBanner error={preview.error} prefix="Could not preview" testId="scale-preview-error" />
      <ErrorBanner error={scale.error} prefix="Could not apply" testId="scale-apply-error" />
      {current ? (
        <FitPreviewView preview={current} />
      ) : previewed ? (
        <p className="muted small">
          The form changed since the preview: preview again before applying.
        </p>
      ) : null}
      {started ? (
        <ScaleFollow
          operationId={started.operationId}
          version={started.version}
          onDismiss={() => follow(followKey, null)}
        />
      ) : null}
    </section>
  );
}
