/**
 * One node of a run: its name, role, address and what preflight found (GPUs, vLLM build), its
 * overall state, its steps in order, and "Retry" when a step of it failed or was cancelled.
 */
import type { NodePlan } from '../../../shared';
import { canRetryNode, nodeState, plural } from './run-format';
import { StateChip } from './step-parts';
import { StepRow } from './StepRow';
import { useRetry } from './use-bringup';
import { ErrorBanner } from '../../ui';

/** `withVllm`: the run installs vLLM on this node; if not, the build preflight picked is not shown (nothing of it is installed). */
export function NodeRunCard({
  runId,
  node,
  runRunning,
  withVllm,
}: {
  runId: string;
  node: NodePlan;
  runRunning: boolean;
  withVllm: boolean;
}) {
  const retry = useRetry();
  const state = nodeState(node, runRunning);
  const headingId = `node-${runId}-${node.nodeId}`;
  return (
    <section
      className={`bu-node node-${state}`}
      aria-labelledby={headingId}
      data-testid="bringup-node"
      data-node={node.nodeName}
      data-state={state}
    >
      <header className="bu-node-head">
        <h4 id={headingId}>{node.nodeName}</h4>
        <span className="badge">{node.role}</span>
        {node.host ? <span className="mono muted small">{node.host}</span> : null}
        {node.numGpus !== null ? (
          <span className="muted small">{plural(node.numGpus, 'GPU', 'GPUs')}</span>
        ) : null}
        {node.vllmBuild && withVllm ? (
          <span className="muted small" data-testid="node-vllm">
            · {node.vllmBuild}
          </span>
        ) : null}
        <span className="bu-spacer" />
        <StateChip state={state} testId="node-state" />
        {canRetryNode(node) ? (
          <button
            type="button"
            className="btn small"
            onClick={() => retry.mutate({ runId, nodeId: node.nodeId })}
            disabled={retry.isPending}
            aria-label={`Retry ${node.nodeName}`}
          >
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </button>
        ) : null}
      </header>
      <ErrorBanner error={retry.error} />
      <ol className="bu-steps" aria-label={`Steps on ${node.nodeName}`}>
        {node.steps.map((s) => (
          <StepRow
            key={s.kind}
            runId={runId}
            nodeId={node.nodeId}
            nodeName={node.nodeName}
            step={s}
          />
        ))}
      </ol>
    </section>
  );
}
