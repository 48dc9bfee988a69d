/**
 * The apply (or rollback) the page follows: its title, a progress bar, what is happening now,
 * and the operation's log — Ray's own messages and replica counts — until every application
 * is RUNNING or the apply failed (then Ray's reasons, in an ErrorBanner). "Stop
 * following" ends Raydeck's wait (Ray goes on deploying), e.g. for an app that stays pending.
 */
import { useEffect, useRef } from 'react';
import { AnsiLine, ErrorBanner, FollowHead, OperationProgress } from '../../ui';
import type { FollowedApply } from './serve-draft-store';
import { useFollowedOperation } from './use-followed-operation';

const STATE_TEXT = {
  running: 'Applying',
  succeeded: 'RUNNING',
  failed: 'Failed',
  cancelled: 'Not followed',
} as const;

export function ApplyFollow({ apply, onDismiss }: { apply: FollowedApply; onDismiss(): void }) {
  const { op, lines, error } = useFollowedOperation(apply.operationId);
  const log = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [lines]);
  const state = op?.state ?? 'running';
  const title =
    op?.title ??
    (apply.rollbackOf
      ? `Roll Serve back to v${apply.rollbackOf} (as v${apply.version})`
      : `Apply Serve config v${apply.version}`);
  return (
    <section
      className="card op-card serve-follow"
      data-testid="serve-follow"
      data-state={state}
      data-operation={apply.operationId}
      data-version={apply.version}
      aria-label="Apply progress"
    >
      <FollowHead
        operationId={apply.operationId}
        title={title}
        state={state}
        stateText={STATE_TEXT}
        onDismiss={onDismiss}
        testId="serve-follow"
      />
      <OperationProgress op={op} label={title} />
      <div className="muted small" data-testid="serve-follow-detail">
        {op?.detail ?? 'Starting…'}
      </div>
      <ErrorBanner error={op?.error} className="serve-follow-error" testId="serve-follow-error">
        {op?.error}
      </ErrorBanner>
      <ErrorBanner error={error}>
        Lost track of this apply; its result is in the history below and on the Activity page.
      </ErrorBanner>
      <pre className="log-pane" ref={log} aria-label="Apply log" data-testid="serve-follow-log">
        {lines.length === 0 ? (
          <span className="muted">No output yet.</span>
        ) : (
          lines.map((l, i) => (
            <div key={i} className={`log-${l.stream}`}>
              <AnsiLine text={l.line} />
            </div>
          ))
        )}
      </pre>
    </section>
  );
}
