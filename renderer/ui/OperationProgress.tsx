/**
 * The progress bar of one Operation (an apply, a model push, a scale, anything on the Activity
 * page): its fraction as a bar (full once it succeeded), indeterminate while a running
 * operation reports none, coloured by state, announced as a progressbar named by its title.
 */
import type { Operation } from '../../shared';

export function OperationProgress({
  op,
  label,
}: {
  /** Null until the operation's first report arrives: a running, indeterminate bar. */
  op: Pick<Operation, 'state' | 'progress'> | null;
  label: string;
}) {
  const state = op?.state ?? 'running';
  // A finished operation is all the way, whatever fraction its last report carried.
  const pct =
    state === 'succeeded'
      ? 100
      : op?.progress === null || op?.progress === undefined
        ? null
        : Math.round(op.progress * 100);
  return (
    <div
      className={`progress progress-${state}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      aria-label={label}
    >
      <div
        className={pct === null ? 'bar indeterminate' : 'bar'}
        style={pct === null ? undefined : { width: `${pct}%` }}
      />
    </div>
  );
}
