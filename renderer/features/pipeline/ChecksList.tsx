/**
 * The checks of the open graph, below the canvas: errors first, each with the stage it concerns
 * (a click selects that stage) and its fix. A checks call that failed says so instead of
 * claiming the graph is fine.
 */
import type { PipelineCheck } from '../../../shared/pipeline';
import { ErrorBanner } from '../../ui';

export function ChecksList({
  checks,
  checking,
  error,
  onSelectStage,
}: {
  checks: readonly PipelineCheck[];
  checking: boolean;
  error: unknown;
  onSelectStage(id: string): void;
}) {
  const sorted = [...checks].sort(
    (a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'),
  );
  const errors = checks.filter((c) => c.severity === 'error').length;
  return (
    <section className="panel pl-checks" aria-label="Checks" data-testid="pipeline-checks">
      <div className="panel-head">
        <h3>Checks</h3>
        <span className="muted small" data-testid="pipeline-checks-summary">
          {checking
            ? 'Checking…'
            : checks.length === 0
              ? 'No problems found'
              : `${errors} error${errors === 1 ? '' : 's'}, ${checks.length - errors} warning${checks.length - errors === 1 ? '' : 's'}`}
        </span>
      </div>
      <ErrorBanner
        error={error}
        prefix="Could not check the pipeline"
        testId="pipeline-checks-error"
      >
        {error instanceof Error ? error.message : undefined}
      </ErrorBanner>
      {sorted.length ? (
        <ul className="pl-check-list">
          {sorted.map((c, i) => (
            <li
              key={`${c.stageId}-${c.code}-${i}`}
              className={`pl-check pl-check-${c.severity}`}
              data-testid="pipeline-check"
              data-severity={c.severity}
              data-stage={c.stageId ?? ''}
              data-code={c.code}
            >
              <span className={`pl-badge pl-badge-${c.severity}`}>{c.severity}</span>{' '}
              {c.stageId ? (
                <button
                  type="button"
                  className="linklike mono"
                  onClick={() => onSelectStage(c.stageId!)}
                >
                  {c.stageId}
                </button>
              ) : (
                <span className="muted">whole pipeline</span>
              )}
              : {c.message}
              {c.fix ? <span className="hint"> {c.fix}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
