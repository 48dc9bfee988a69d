/**
 * The compiled Serve config of the pipeline, read-only (CodeMirror), with the checks that came
 * with it; a graph with errors is not compiled, and the dialog says which stage stops it. Copy puts the YAML on the
 * clipboard for `raydeck serve apply` or the Serve page.
 */
import type { PipelineCheck } from '../../../shared/pipeline';
import { Dialog, ErrorBanner } from '../../ui';
import { ReadOnlyYaml } from './ReadOnlyYaml';

export function CompileDialog({
  name,
  yaml,
  refusal,
  checks,
  canDeploy,
  onDeploy,
  onClose,
}: {
  name: string;
  /** null: refused (a check has an error). */
  yaml: string | null;
  refusal: string | null;
  checks: readonly PipelineCheck[];
  canDeploy: boolean;
  onDeploy(): void;
  onClose(): void;
}) {
  const errors = checks.filter((c) => c.severity === 'error');
  return (
    <Dialog
      title={`Serve config of ${name}`}
      onClose={onClose}
      wide
      testId="pipeline-compile-dialog"
      actions={
        <>
          {yaml !== null ? (
            <button
              type="button"
              className="btn ghost"
              onClick={() => void navigator.clipboard?.writeText(yaml)}
            >
              Copy YAML
            </button>
          ) : null}
          <button type="button" className="btn ghost" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="btn primary"
            onClick={onDeploy}
            disabled={!canDeploy || yaml === null || errors.length > 0}
            title={
              errors.length
                ? 'Fix the errors first'
                : canDeploy
                  ? 'Review and apply on the cluster'
                  : 'Pick a cluster first'
            }
          >
            Deploy…
          </button>
        </>
      }
    >
      {checks.length ? (
        <ul className="pl-check-list" data-testid="compile-checks">
          {checks.map((c, i) => (
            <li key={i} className={`pl-check pl-check-${c.severity}`} data-severity={c.severity}>
              <span className={`pl-badge pl-badge-${c.severity}`}>{c.severity}</span>{' '}
              {c.stageId ? <span className="mono">{c.stageId}: </span> : null}
              {c.message}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">Every check passed.</p>
      )}
      {yaml !== null ? (
        <ReadOnlyYaml text={yaml} label={`Compiled Serve config of ${name}`} />
      ) : (
        <ErrorBanner error testId="compile-refusal">
          Not compiled: {refusal ?? 'a check has an error'}
        </ErrorBanner>
      )}
    </Dialog>
  );
}
