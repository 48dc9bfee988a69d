/**
 * The live log of one step of one node while its pane is open: subscribes to `bringup.log`,
 * fetches the backlog with `bringup.logs`, and keeps only the last 2,000 lines so a chatty
 * install (pip prints thousands) cannot grow the page without bound.
 */
import { useEffect, useState } from 'react';
import type { StepKind, StepLog, StepLogTail } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

export const LOG_LIMIT = 2000;

/** Appends lines, keeping the last `limit`. */
export function appendBounded(
  prev: readonly string[],
  lines: readonly string[],
  limit = LOG_LIMIT,
): string[] {
  const next =
    prev.length + lines.length <= limit ? prev.concat(lines) : [...prev, ...lines].slice(-limit);
  return next;
}

/**
 * Joins the backlog and the live batches that arrived while it was being read: the core writes
 * a batch to the step's log before sending it, with its offset there, so exactly the batches at
 * or past the backlog's end come after it (no guessing from the lines, which repeat).
 */
export function joinBacklog(
  backlog: StepLogTail,
  live: readonly Pick<StepLog, 'at' | 'lines'>[],
  limit = LOG_LIMIT,
): string[] {
  return appendBounded(
    backlog.lines,
    live.filter((b) => b.at >= backlog.end).flatMap((b) => b.lines),
    limit,
  );
}

export interface StepLogState {
  lines: string[];
  /** The backlog is still being read. */
  loading: boolean;
  /** The backlog could not be read (the live lines still show). */
  error: string | null;
}

export function useStepLog(
  runId: string,
  nodeId: string,
  step: StepKind,
  open: boolean,
): StepLogState {
  const client = useRaydeck();
  const [state, setState] = useState<StepLogState>({ lines: [], loading: open, error: null });
  useEffect(() => {
    if (!open) return;
    let alive = true;
    let backlogRead = false;
    let backlogEnd = 0;
    const early: StepLog[] = [];
    setState({ lines: [], loading: true, error: null });
    const off = client.subscribe('bringup.log', (batch) => {
      if (batch.runId !== runId || batch.nodeId !== nodeId || batch.step !== step) return;
      if (!backlogRead) early.push(batch);
      else if (batch.at >= backlogEnd)
        setState((s) => ({ ...s, lines: appendBounded(s.lines, batch.lines) }));
    });
    client.call('bringup.logs', { runId, nodeId, step }).then(
      (backlog) => {
        if (!alive) return;
        backlogRead = true;
        backlogEnd = backlog.end;
        setState({ lines: joinBacklog(backlog, early), loading: false, error: null });
      },
      () => {
        if (!alive) return;
        backlogRead = true;
        setState({
          lines: appendBounded(
            [],
            early.flatMap((b) => b.lines),
          ),
          loading: false,
          error: 'Could not read the earlier lines of this log.',
        });
      },
    );
    return () => {
      alive = false;
      off();
    };
  }, [client, runId, nodeId, step, open]);
  return state;
}
