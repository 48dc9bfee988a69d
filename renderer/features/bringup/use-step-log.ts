/**
 * The live log of one step of one node while its pane is open: subscribes to `bringup.log`,
 * fetches the backlog with `bringup.logs`, and keeps only the last 2,000 lines so a chatty
 * install (pip prints thousands) cannot grow the page without bound.
 */
import { useEffect, useState } from 'react';
import type { StepKind } from '../../../shared';
import { useRaydeck } from '../../app/client-context';

export const LOG_LIMIT = 2000;

/** Appends lines, keeping the last `limit`. */
export function appendBounded(prev: readonly string[], lines: readonly string[], limit = LOG_LIMIT): string[] {
  const next = prev.length + lines.length <= limit ? prev.concat(lines) : [...prev, ...lines].slice(-limit);
  return next;
}

/**
 * Joins the backlog and the live lines that arrived while it was being read. The backlog may
 * already hold the first of those lines (the core read its file after sending them), and log
 * lines carry no sequence number, so the longest overlap of the backlog's end with the live
 * lines' start is counted once.
 */
export function mergeBacklog(backlog: readonly string[], live: readonly string[], limit = LOG_LIMIT): string[] {
  let overlap = Math.min(backlog.length, live.length);
  for (; overlap > 0; overlap--) {
    let same = true;
    for (let i = 0; i < overlap && same; i++) same = backlog[backlog.length - overlap + i] === live[i];
    if (same) break;
  }
  return appendBounded(backlog, live.slice(overlap), limit);
}

export interface StepLogState {
  lines: string[];
  /** The backlog is still being read. */
  loading: boolean;
  /** The backlog could not be read (the live lines still show). */
  error: string | null;
}

export function useStepLog(runId: string, nodeId: string, step: StepKind, open: boolean): StepLogState {
  const client = useRaydeck();
  const [state, setState] = useState<StepLogState>({ lines: [], loading: open, error: null });
  useEffect(() => {
    if (!open) return;
    let alive = true;
    let backlogRead = false;
    const early: string[] = [];
    setState({ lines: [], loading: true, error: null });
    const off = client.subscribe('bringup.log', (batch) => {
      if (batch.runId !== runId || batch.nodeId !== nodeId || batch.step !== step) return;
      if (!backlogRead) early.push(...batch.lines);
      else setState((s) => ({ ...s, lines: appendBounded(s.lines, batch.lines) }));
    });
    client.call('bringup.logs', { runId, nodeId, step }).then(
      (backlog) => {
        if (!alive) return;
        backlogRead = true;
        setState({ lines: mergeBacklog(backlog, early), loading: false, error: null });
      },
      () => {
        if (!alive) return;
        backlogRead = true;
        setState({ lines: appendBounded([], early), loading: false, error: 'Could not read the earlier lines of this log.' });
      },
    );
    return () => {
      alive = false;
      off();
    };
  }, [client, runId, nodeId, step, open]);
  return state;
}
