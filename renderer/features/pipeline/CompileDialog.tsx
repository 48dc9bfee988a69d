/**
 * The compiled Serve config of the pipeline, read-only (CodeMirror), with the checks that came
 * with it; a config with errors is shown but cannot be deployed. Copy puts the YAML on the
 * clipboard for `raydeck serve apply` or the Serve page.
 */
import type { PipelineCheck } from '../../../shared/pipeline';
import { Dialog } from '../../ui';
import { ReadOnlyYaml } from './ReadOnlyYaml';

export function CompileDialog({
  name,
  text,
  checks,
  canDeploy,
  onDeploy,
  onClose,
}: {
  name: string;
  text: string;
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
          <button
            type="button"
            className="btn ghost"
            onClick={() => void navigator.clipboard?.writeText(text)}
          >
            Copy YAML
          </button>
          <button type="button" className="btn ghost" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="btn primary"
            onClick={onDeploy}
            disabled={!canDeploy || errors.length > 0}
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
      <ReadOnlyYaml text={text} label={`Compiled Serve config of ${name}`} />
    </Dialog>
  );
}
