/**
 * What a running step waits on, said in its row (issue 19 item 5: "Creating the virtualenv" sat
 * with an empty bar for 15 s while pip retried): the step's newest log line, without colour
 * codes, and how long ago output last moved, so a slow index or a retry loop is visible without
 * opening the log.
 */
import { useEffect, useState } from 'react';
import { stripAnsi, type StepKind } from '../../../shared';
import { formatElapsed } from './run-format';
import { useNow } from './step-parts';
import { useStepLog } from './use-step-log';

/** After this long without a new line, say how long the step has been quiet. */
const QUIET_MS = 5_000;

export function StepWaitingOn({
  runId,
  nodeId,
  step,
}: {
  runId: string;
  nodeId: string;
  step: StepKind;
}) {
  const log = useStepLog(runId, nodeId, step, true);
  const last = [...log.lines].reverse().find((l) => stripAnsi(l).trim() !== '');
  const text = last === undefined ? null : stripAnsi(last).trim();
  const [since, setSince] = useState(() => new Date().toISOString());
  useEffect(() => setSince(new Date().toISOString()), [log.lines.length]);
  const now = useNow(true);
  if (!text) return null;
  const quiet = now - Date.parse(since) >= QUIET_MS ? formatElapsed(since, null, now) : null;
  return (
    <div
      className="muted small bu-step-detail bu-waiting"
      data-testid="step-waiting-on"
      title={text}
    >
      <span className="bu-waiting-label">
        {quiet ? `No new output for ${quiet}; last:` : 'Now:'}
      </span>{' '}
      <span className="mono">{text}</span>
    </div>
  );
}
