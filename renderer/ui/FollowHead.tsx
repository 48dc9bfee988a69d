/**
 * The head of a card that follows a Serve change (an apply, a rollback, a scale): its title, the
 * state badge in the feature's words, and one button — "Stop following" while it runs (Ray goes
 * on with what it took; only Raydeck's wait ends, through operations.cancel), "Dismiss" once it
 * ended. A failed stop shows as an ErrorBanner under the head. Test ids are `${testId}-state`
 * and `${testId}-stop`.
 */
import { useState } from 'react';
import type { OperationState } from '../../shared';
import { useRaydeck } from '../app/client-context';
import { ErrorBanner } from './ErrorBanner';

export interface FollowHeadProps {
  operationId: string;
  title: string;
  state: OperationState;
  stateText: Record<OperationState, string>;
  onDismiss(): void;
  testId: string;
}

export function FollowHead({
  operationId,
  title,
  state,
  stateText,
  onDismiss,
  testId,
}: FollowHeadProps) {
  const client = useRaydeck();
  const [stopping, setStopping] = useState(false);
  const [stopError, setStopError] = useState<unknown>(null);
  const stopFollowing = () => {
    if (stopping) return;
    setStopping(true);
    client
      .call('operations.cancel', { id: operationId })
      .catch((err: unknown) => setStopError(err))
      .finally(() => setStopping(false));
  };
  return (
    <>
      <div className="op-head">
        <strong className="follow-title">{title}</strong>
        <span className={`badge state-${state}`} data-testid={`${testId}-state`}>
          {stateText[state]}
        </span>
        {state !== 'running' ? (
          <button type="button" className="btn ghost small" onClick={onDismiss}>
            Dismiss
          </button>
        ) : (
          <button
            type="button"
            className="btn ghost small"
            onClick={stopFollowing}
            disabled={stopping}
            title="Ray goes on with this change; Raydeck stops waiting for it"
            data-testid={`${testId}-stop`}
          >
            {stopping ? 'Stopping…' : 'Stop following'}
          </button>
        )}
      </div>
      <ErrorBanner error={stopError} prefix="Could not stop following" />
    </>
  );
}
