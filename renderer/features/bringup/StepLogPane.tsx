/**
 * The live log of one step of one node: the last 2,000 lines, following the end as lines arrive
 * unless the user scrolled up to read (scrolling back to the bottom follows again). Terminal
 * colours in the lines (Ray's, pip's) are drawn as colours, never shown as escape codes.
 */
import { useLayoutEffect, useRef } from 'react';
import type { StepKind } from '../../../shared';
import { AnsiLines, formatNumber } from '../../ui';
import { LOG_LIMIT, useStepLog } from './use-step-log';

/** How close to the bottom (px) still counts as "at the end". */
const STICK_SLACK = 24;

export function StepLogPane({
  runId,
  nodeId,
  step,
  label,
  id,
}: {
  runId: string;
  nodeId: string;
  step: StepKind;
  label: string;
  id: string;
}) {
  const log = useStepLog(runId, nodeId, step, true);
  const pane = useRef<HTMLPreElement>(null);
  const follow = useRef(true);

  useLayoutEffect(() => {
    const el = pane.current;
    if (el && follow.current) el.scrollTop = el.scrollHeight;
  }, [log.lines]);

  const onScroll = () => {
    const el = pane.current;
    if (el) follow.current = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_SLACK;
  };

  return (
    <div className="bu-log" id={id}>
      {log.error ? <div className="muted small">{log.error}</div> : null}
      {log.lines.length >= LOG_LIMIT ? (
        <div className="muted small">Showing the last {formatNumber(LOG_LIMIT)} lines.</div>
      ) : null}
      <pre
        ref={pane}
        className="log-pane"
        aria-label={label}
        tabIndex={0}
        onScroll={onScroll}
        data-testid="step-log"
        data-lines={log.lines.length}
        aria-busy={log.loading}
      >
        {log.lines.length === 0 ? (
          <span className="muted">{log.loading ? 'Reading the log…' : 'No output yet.'}</span>
        ) : (
          <AnsiLines lines={log.lines} />
        )}
      </pre>
    </div>
  );
}
