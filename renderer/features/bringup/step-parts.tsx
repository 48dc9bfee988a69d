/**
 * Small parts of a bring-up step on screen: its state chip, its progress bar (indeterminate
 * while it runs without a known fraction) and its elapsed time, ticking while it runs.
 */
import { useEffect, useState } from 'react';
import type { BringUpStep, StepState } from '../../../shared';
import { formatTime } from '../../ui';
import { formatElapsed } from './run-format';

const CHIP_CLASS: Record<StepState, string> = {
  pending: '',
  running: 'state-running',
  done: 'state-succeeded',
  skipped: 'state-skipped',
  failed: 'state-failed',
  cancelled: 'state-cancelled',
};

export function StateChip({ state, testId = 'step-state' }: { state: StepState; testId?: string }) {
  return (
    <span className={`badge ${CHIP_CLASS[state]}`} data-testid={testId} data-state={state}>
      {state}
    </span>
  );
}

/** The current time, once a second while `active`. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function Elapsed({
  startedAt,
  endedAt,
  running,
}: {
  startedAt: string | null;
  endedAt: string | null;
  running: boolean;
}) {
  const now = useNow(running && !endedAt);
  const text = formatElapsed(startedAt, endedAt, now);
  return (
    <span
      className="muted small bu-elapsed"
      data-testid="elapsed"
      title={startedAt ? `Started ${formatTime(startedAt)}` : undefined}
    >
      {text ?? ''}
    </span>
  );
}

/**
 * Done and skipped steps show a full bar; pending ones an empty bar; running ones their fraction,
 * or a moving bar while they have none yet (null or 0: an empty bar on a running step looks frozen).
 */
export function StepProgress({ step, label }: { step: BringUpStep; label: string }) {
  const finished = step.state === 'done' || step.state === 'skipped';
  const fraction = finished ? 1 : step.state === 'pending' ? 0 : step.progress;
  const indeterminate = (fraction === null || fraction === 0) && step.state === 'running';
  const pct = fraction === null ? 0 : Math.round(fraction * 100);
  return (
    <div
      className={`progress bu-progress progress-${step.state}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={indeterminate ? undefined : pct}
      aria-valuetext={indeterminate ? 'in progress' : undefined}
      data-testid="step-progress"
    >
      <div
        className={indeterminate ? 'bar indeterminate' : 'bar'}
        style={indeterminate ? undefined : { width: `${pct}%` }}
      />
    </div>
  );
}
