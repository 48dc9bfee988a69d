/**
 * Preflight results of the cluster: one checklist per node (pass / warn / fail with a fix hint,
 * each badge in its own colour), a "Run checks" button that starts the operation, and its live
 * progress bar. Results older than the last bring-up that changed the nodes are marked stale
 * ("no Ray installed" is no longer true after one), with a prompt to run the checks again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { NodeWithState, Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { useCoreEvent } from '../../app/use-core-event';
import {
  CheckList,
  ErrorBanner,
  StatusBadge,
  formatDateTime,
  formatTime,
  useSingleFlight,
  worstStatus,
} from '../../ui';
import { useLastNodeChange } from '../bringup';
import { preflightKey, usePreflightResults } from './use-nodes';

export function PreflightPanel({
  clusterId,
  nodes,
}: {
  clusterId: string;
  nodes: NodeWithState[];
}) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const results = usePreflightResults(clusterId);
  const [op, setOp] = useState<Operation | null>(null);
  const [opId, setOpId] = useState<string | null>(null);
  useCoreEvent('operation.progress', (o) => {
    if (o.id === opId) setOp(o);
  });
  useEffect(() => {
    if (op && op.state !== 'running')
      void qc.invalidateQueries({ queryKey: preflightKey(clusterId) });
  }, [op, qc, clusterId]);
  const start = useMutation({
    mutationFn: () => client.call('nodes.check', { clusterId }),
    onSuccess: ({ operationId }) => {
      setOp(null);
      setOpId(operationId);
    },
  });
  const running = op?.state === 'running' || (opId !== null && op === null);
  const once = useSingleFlight();
  const rayNodes = nodes.filter((n) => n.role !== 'jump');
  const lastChange = useLastNodeChange(clusterId);
  const isStale = (at: string) => lastChange !== null && Date.parse(at) < Date.parse(lastChange);
  const anyStale = !running && (results.data ?? []).some((r) => isStale(r.at));
  const pct =
    op?.state === 'succeeded' ? 100 : op?.progress == null ? 0 : Math.round(op.progress * 100);

  return (
    <section className="panel" aria-labelledby="preflight-title">
      <div className="panel-head">
        <h3 id="preflight-title">Preflight</h3>
        <button
          className="btn"
          onClick={() => once((done) => start.mutate(undefined, { onSettled: done }))}
          disabled={running || rayNodes.length === 0}
        >
          {running ? 'Checking…' : 'Run checks'}
        </button>
      </div>
      <ErrorBanner error={start.error} />
      {anyStale && lastChange ? (
        <div className="banner warn bu-banner" role="status" data-testid="preflight-stale">
          These results are from before the bring-up that ended {formatDateTime(lastChange)}: what
          they say about Ray, ports and packages may no longer be true. Run the checks again to see
          the nodes as they are now.
        </div>
      ) : null}
      {running || op ? (
        <div
          className={`progress progress-${op?.state ?? 'running'}`}
          role="progressbar"
          aria-label="Preflight progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div className="bar" style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      <ErrorBanner error={op?.state === 'failed' ? (op.error ?? 'Preflight failed.') : null}>
        {op?.error ?? 'Preflight failed.'}
      </ErrorBanner>
      {results.data && results.data.length === 0 && !running ? (
        <p className="muted">
          No checks yet. Run them before bring-up: OS, CPU, memory, disk, Python, GPUs, ports,
          reachability of the head, DNS, clock.
        </p>
      ) : null}
      <div className="checklists">
        {(results.data ?? []).map((r) => {
          const node = nodes.find((n) => n.id === r.nodeId);
          if (!node) return null;
          const worst = worstStatus(r.checks);
          const stale = isStale(r.at);
          return (
            <details
              key={r.nodeId}
              className={`checklist-card check-${worst}`}
              data-testid="preflight-node"
              data-node={node.name}
              data-worst={worst}
              data-stale={stale ? 'true' : undefined}
              open={worst !== 'pass'}
            >
              <summary>
                <StatusBadge status={worst} /> <strong>{node.name}</strong>{' '}
                {stale ? (
                  <span
                    className="badge"
                    title="Checked before the last bring-up"
                    data-testid="preflight-stale-badge"
                  >
                    stale
                  </span>
                ) : null}{' '}
                <span className="muted small">
                  {r.gpus.length ? `${r.gpus.length} × ${r.gpus[0]!.name}` : 'no GPUs'} · checked{' '}
                  {stale ? formatDateTime(r.at) : formatTime(r.at)}
                </span>
              </summary>
              <CheckList
                items={r.checks}
                label={`Checks of ${node.name}`}
                itemTestId="preflight-check"
              />
            </details>
          );
        })}
      </div>
    </section>
  );
}
