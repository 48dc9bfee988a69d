/**
 * Preflight results of the cluster: one checklist per node (pass / warn / fail with a fix hint),
 * a "Run checks" button that starts the operation, and its live progress bar.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { NodeWithState, Operation } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { errorText } from '../../app/error-text';
import { useCoreEvent } from '../../app/use-core-event';

export function PreflightPanel({ clusterId, nodes }: { clusterId: string; nodes: NodeWithState[] }) {
  const client = useRaydeck();
  const qc = useQueryClient();
  const results = useQuery({ queryKey: ['preflight', clusterId], queryFn: () => client.call('nodes.preflight', { clusterId }) });
  const [op, setOp] = useState<Operation | null>(null);
  const [opId, setOpId] = useState<string | null>(null);
  useCoreEvent('operation.progress', (o) => {
    if (o.id === opId) setOp(o);
  });
  useEffect(() => {
    if (op && op.state !== 'running') void qc.invalidateQueries({ queryKey: ['preflight', clusterId] });
  }, [op, qc, clusterId]);
  const start = useMutation({
    mutationFn: () => client.call('nodes.check', { clusterId }),
    onSuccess: ({ operationId }) => {
      setOp(null);
      setOpId(operationId);
    },
  });
  const running = op?.state === 'running' || (opId !== null && op === null);
  const rayNodes = nodes.filter((n) => n.role !== 'jump');
  const pct = op?.state === 'succeeded' ? 100 : op?.progress == null ? 0 : Math.round(op.progress * 100);

  return (
    <section className="panel" aria-labelledby="preflight-title">
      <div className="panel-head">
        <h3 id="preflight-title">Preflight</h3>
        <button className="btn" onClick={() => start.mutate()} disabled={running || rayNodes.length === 0}>
          {running ? 'Checking…' : 'Run checks'}
        </button>
      </div>
      {start.isError ? (
        <div className="banner error" role="alert">
          {errorText(start.error)}
        </div>
      ) : null}
      {running || op ? (
        <div className={`progress progress-${op?.state ?? 'running'}`} role="progressbar" aria-label="Preflight progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <div className="bar" style={{ width: `${pct}%` }} />
        </div>
      ) : null}
      {op?.state === 'failed' ? <div className="banner error">{op.error}</div> : null}
      {results.data && results.data.length === 0 && !running ? <p className="muted">No checks yet. Run them before bring-up: OS, CPU, memory, disk, Python, GPUs, ports, reachability of the head, DNS, clock.</p> : null}
      <div className="checklists">
        {(results.data ?? []).map((r) => {
          const node = nodes.find((n) => n.id === r.nodeId);
          if (!node) return null;
          const worst = r.checks.some((c) => c.status === 'fail') ? 'fail' : r.checks.some((c) => c.status === 'warn') ? 'warn' : 'pass';
          return (
            <details key={r.nodeId} className={`checklist-card check-${worst}`} data-testid="preflight-node" data-node={node.name} data-worst={worst} open={worst !== 'pass'}>
              <summary>
                <span className="badge">{worst}</span> <strong>{node.name}</strong>{' '}
                <span className="muted small">
                  {r.gpus.length ? `${r.gpus.length} × ${r.gpus[0]!.name}` : 'no GPUs'} · checked {new Date(r.at).toLocaleTimeString()}
                </span>
              </summary>
              <ul className="checklist">
                {r.checks.map((c) => (
                  <li key={c.id} className={`check check-${c.status}`} data-testid="preflight-check" data-status={c.status}>
                    <span className="badge">{c.status}</span>
                    <span className="check-name">{c.label}</span>
                    <span className="muted">{c.detail}</span>
                    {c.hint ? <span className="hint">{c.hint}</span> : null}
                  </li>
                ))}
              </ul>
            </details>
          );
        })}
      </div>
    </section>
  );
}
