/**
 * Activity: every long-running operation and every bring-up of every cluster, newest first, each
 * with when it started, its cluster (bring-ups), a progress bar, state and elapsed time;
 * operations open a live log pane. "Check this machine" runs the local checks as an operation.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import {
  AnsiLine,
  CheckList,
  ErrorBanner,
  formatDateTime,
  OperationProgress,
  useSingleFlight,
} from '../../ui';
import { BringupActivityCard, useAllBringups } from '../bringup';
import { useCurrentCluster } from '../clusters';
import { localChecksKey, useLocalChecks, useOperationLog, useOperations } from './use-operations';

function elapsed(op: Operation, now: number): string {
  const end = op.endedAt ? Date.parse(op.endedAt) : now;
  const s = Math.max(0, Math.round((end - Date.parse(op.startedAt)) / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

function LogPane({ operationId }: { operationId: string }) {
  const lines = useOperationLog(operationId);
  return (
    <pre className="log-pane" aria-label="Operation log" data-testid="operation-log">
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
  );
}

function LocalChecks() {
  const results = useLocalChecks();
  if (!results.data || results.data.length === 0) return null;
  return <CheckList items={results.data} label="Local checks" testId="local-checks" />;
}

export function ActivityPage() {
  const client = useRaydeck();
  const qc = useQueryClient();
  const ops = useOperations();
  const once = useSingleFlight();
  const { clusters } = useCurrentCluster();
  const bringups = useAllBringups(clusters.data ?? []);
  const clusterName = (id: string) =>
    clusters.data?.find((c) => c.id === id)?.name ?? 'a removed cluster';
  const [open, setOpen] = useState<string | null>(null);
  const anyRunning =
    (ops.data?.some((o) => o.state === 'running') ?? false) ||
    bringups.some((b) => b.run.state === 'running');
  // One timeline, newest first: operations and bring-ups by when they started.
  const entries = [
    ...(ops.data ?? []).map((op) => ({ at: op.startedAt, op, bringup: null })),
    ...bringups.map((b) => ({ at: b.run.startedAt ?? '', op: null, bringup: b })),
  ].sort((a, b) => b.at.localeCompare(a.at));
  const now = useNow(anyRunning);
  const check = useMutation({
    mutationFn: () => client.call('app.checkLocal', {}),
    onSuccess: ({ operationId }) => setOpen(operationId),
  });
  const justFinished = ops.data?.find((o) => o.kind === 'local-check' && o.state !== 'running')?.id;
  useEffect(() => {
    if (justFinished) void qc.invalidateQueries({ queryKey: localChecksKey });
  }, [justFinished, qc, ops.data]);

  return (
    <section className="page">
      <div className="toolbar">
        <span className="muted">
          Long-running work — bring-ups, applies, checks — with progress and logs.
        </span>
        <button
          className="btn"
          onClick={() => once((done) => check.mutate(undefined, { onSettled: done }))}
          disabled={check.isPending}
        >
          Check this machine
        </button>
      </div>
      <ErrorBanner error={check.error} />
      <LocalChecks />
      {ops.isPending ? <div className="skeleton" aria-busy="true" /> : null}
      {ops.data && entries.length === 0 ? (
        <div className="empty-state" data-testid="activity-empty">
          <h2>Nothing has run yet</h2>
          <p>Operations appear here as they start. Try "Check this machine".</p>
        </div>
      ) : null}
      <ul className="card-list" aria-label="Operations">
        {entries.map(({ op, bringup }) =>
          bringup ? (
            <BringupActivityCard
              key={`run-${bringup.run.id}`}
              run={bringup.run}
              cluster={bringup.cluster}
              now={now}
            />
          ) : op ? (
            <li key={op.id} className="card op-card" data-testid="operation" data-state={op.state}>
              <div className="op-head">
                <button
                  className="linklike"
                  onClick={() => setOpen(open === op.id ? null : op.id)}
                  aria-expanded={open === op.id}
                >
                  {op.title}
                </button>
                {op.clusterId ? (
                  <span className="muted small" data-testid="activity-cluster">
                    {clusterName(op.clusterId)}
                  </span>
                ) : null}
                <span className={`badge state-${op.state}`}>{op.state}</span>
                <span className="muted small" data-testid="activity-when">
                  {formatDateTime(op.startedAt)}
                </span>
                <span className="muted small">{elapsed(op, now)}</span>
                {op.state === 'running' ? (
                  <button
                    className="btn ghost small"
                    onClick={() => void client.call('operations.cancel', { id: op.id })}
                  >
                    Cancel
                  </button>
                ) : null}
              </div>
              <OperationProgress op={op} label={op.title} />
              <div className="muted small">{op.error ?? op.detail}</div>
              {open === op.id ? <LogPane operationId={op.id} /> : null}
            </li>
          ) : null,
        )}
      </ul>
    </section>
  );
}
