/**
 * One step of one node in a run: state chip, title, progress bar, elapsed time, the detail line,
 * and for a failed step its error and the hint to fix it. Its log opens on demand, and by itself
 * when the step fails, so the cause is on screen without a click. While it runs with its log
 * closed, its newest log line says what it waits on.
 */
import { useState } from 'react';
import type { BringUpStep } from '../../../shared';
import { StepLogPane } from './StepLogPane';
import { StepWaitingOn } from './StepWaitingOn';
import { Elapsed, StateChip, StepProgress } from './step-parts';

export function StepRow({
  runId,
  nodeId,
  nodeName,
  step,
}: {
  runId: string;
  nodeId: string;
  nodeName: string;
  step: BringUpStep;
}) {
  // null: the user has not chosen; a failed step then shows its log.
  const [chosen, setChosen] = useState<boolean | null>(null);
  // A step failing (again, after a retry) opens its log even if the user closed it before.
  const [seen, setSeen] = useState(step.state);
  if (seen !== step.state) {
    setSeen(step.state);
    if (step.state === 'failed') setChosen(null);
  }
  const open = chosen ?? step.state === 'failed';
  const hasLog = step.state !== 'pending';
  const logId = `log-${runId}-${nodeId}-${step.kind}`;
  const where = `${step.title} on ${nodeName}`;

  return (
    <li
      className={`bu-step step-${step.state}`}
      data-testid="bringup-step"
      data-node={nodeName}
      data-step={step.kind}
      data-state={step.state}
    >
      <div className="bu-step-head">
        <StateChip state={step.state} />
        <span className="bu-step-title">{step.title}</span>
        <StepProgress step={step} label={where} />
        <Elapsed
          startedAt={step.startedAt}
          endedAt={step.endedAt}
          running={step.state === 'running'}
        />
        {hasLog ? (
          <button
            type="button"
            className="btn small ghost"
            aria-expanded={open}
            aria-controls={open ? logId : undefined}
            aria-label={`${open ? 'Hide' : 'Show'} log of ${where}`}
            onClick={() => setChosen(!open)}
            data-testid="step-log-toggle"
          >
            {open ? 'Hide log' : 'Log'}
          </button>
        ) : (
          <span />
        )}
      </div>
      {step.detail ? (
        <div className="muted small bu-step-detail" data-testid="step-detail">
          {step.detail}
        </div>
      ) : null}
      {step.state === 'running' && !open ? (
        <StepWaitingOn runId={runId} nodeId={nodeId} step={step.kind} />
      ) : null}
      {step.state === 'failed' ? (
        <div className="bu-step-error" role="alert" data-testid="step-error">
          <div className="bad-text">{step.error ?? 'This step failed.'}</div>
          {step.hint ? (
            <div className="hint" data-testid="step-hint">
              {step.hint}
            </div>
          ) : null}
        </div>
      ) : null}
      {open && hasLog ? (
        <StepLogPane
          runId={runId}
          nodeId={nodeId}
          step={step.kind}
          label={`Log of ${where}`}
          id={logId}
        />
      ) : null}
    </li>
  );
}
