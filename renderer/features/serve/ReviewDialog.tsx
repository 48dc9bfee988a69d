/**
 * "Review changes": the diff of the edited config against what Ray runs, the validator's
 * warnings, an optional auto-rollback deadline, and Apply (it disables itself and starts once;
 * Ctrl/Cmd+Enter applies). Errors stay in the dialog in an ErrorBanner.
 */
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { formatConfigPath, type ServeConfigDiff } from '../../../shared';
import type { ServeFinding } from './use-serve';
import { Dialog, ErrorBanner, useSingleFlight } from '../../ui';
import { DiffView } from './DiffView';

export interface ReviewDialogProps {
  clusterName: string;
  diff: ServeConfigDiff;
  diagnostics: ServeFinding[];
  applying: boolean;
  error: unknown;
  onApply(autoRollbackS: number | null, done: () => void): void;
  onClose(): void;
  /** Said above the diff (the Pipeline page's deploy: what it could not keep, and why). */
  notice?: ReactNode;
}

export function ReviewDialog({
  clusterName,
  diff,
  diagnostics,
  applying,
  error,
  onApply,
  onClose,
  notice,
}: ReviewDialogProps) {
  const once = useSingleFlight();
  const [auto, setAuto] = useState(false);
  const [seconds, setSeconds] = useState('300');
  const secondsValid = /^\d+$/.test(seconds) && Number(seconds) > 0 && Number(seconds) <= 86400;
  const canApply = !applying && (!auto || secondsValid);
  const apply = () => {
    if (!canApply) return;
    once((done) => onApply(auto ? Number(seconds) : null, done));
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      apply();
    }
  };
  const warnings = diagnostics.filter((d) => d.severity === 'warning');
  return (
    <div onKeyDown={onKeyDown}>
      <Dialog
        title={`Review changes to ${clusterName}`}
        onClose={onClose}
        wide
        danger={diff.deletes.length > 0}
        testId="serve-review"
        actions={
          <>
            <button type="button" className="btn ghost" onClick={onClose}>
              Keep editing
            </button>
            <button
              type="button"
              className={diff.deletes.length ? 'btn danger-solid' : 'btn primary'}
              onClick={apply}
              disabled={!canApply}
              data-testid="serve-apply"
              title="Apply (Ctrl+Enter)"
            >
              {applying
                ? 'Applying…'
                : diff.deletes.length
                  ? `Apply and delete ${diff.deletes.length}`
                  : 'Apply'}
            </button>
          </>
        }
      >
        {notice}
        <DiffView diff={diff} />
        {warnings.length ? (
          <ul className="warnings" data-testid="review-warnings">
            {warnings.map((w, i) => (
              <li key={i}>
                {w.line ? `line ${w.line}: ` : ''}
                {formatConfigPath(w.path)}: {w.message}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="serve-auto-rollback">
          <label className="checkbox">
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} />
            Roll back by itself if not RUNNING within
          </label>{' '}
          <input
            className="serve-seconds"
            aria-label="Auto-rollback seconds"
            value={seconds}
            onChange={(e) => setSeconds(e.target.value)}
            disabled={!auto}
            aria-invalid={auto && !secondsValid}
          />{' '}
          s
          {auto && !secondsValid ? (
            <small className="field-error"> 1 to 86400 seconds</small>
          ) : null}
        </div>
        <ErrorBanner error={error} prefix="Not applied" testId="serve-apply-error" />
        <p className="muted small">
          Ctrl+Enter applies. Every apply is kept in the history and can be rolled back.
        </p>
      </Dialog>
    </div>
  );
}
