/**
 * A bring-up run, live: its state, overall progress and elapsed time, Cancel while it runs,
 * "Retry failed" once it stopped with failures, the verified summary when it succeeded, and a
 * card per node (head first) with its steps. A retry reuses the run's own options: the view says
 * so next to the button, and when the options form has changed since (a corrected index URL), it
 * says that Retry will not use the change and offers a new plan with it (issue 19 item 3).
 */
import type { BringUpOptions, BringUpRun } from '../../../shared';
import { formatDateTime, ErrorBanner } from '../../ui';
import { draftToOptions, optionsToDraft, useBringupForm } from './bringup-form-store';
import { NodeRunCard } from './NodeRunCard';
import {
  canRetryNode,
  headFirst,
  nodeState,
  plural,
  runProgress,
  sourceText,
  verifiedSummary,
} from './run-format';
import { Elapsed } from './step-parts';
import { useCancelRun, useRetry } from './use-bringup';

const RUN_STATE_TEXT: Record<BringUpRun['state'], string> = {
  planned: 'planned',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

function optionsText(o: BringUpOptions): string {
  return `packages from ${sourceText(o.source)}, ${o.withVllm ? 'with vLLM' : 'without vLLM'}`;
}

/**
 * Whether two option sets agree in what the form can say (source and its field, vLLM): options
 * only the CLI sets (the PyTorch CPU index, vLLM on some nodes) do not count as a change.
 */
function sameOptions(a: BringUpOptions, b: BringUpOptions): boolean {
  const x = optionsToDraft(a);
  const y = optionsToDraft(b);
  return (
    x.sourceKind === y.sourceKind &&
    x.indexUrl === y.indexUrl &&
    x.wheelhouseDir === y.wheelhouseDir &&
    x.withVllm === y.withVllm
  );
}

export function RunView({ run, onReview }: { run: BringUpRun; onReview?: () => void }) {
  const draft = useBringupForm((s) => s.drafts[run.clusterId]);
  const formOptions = draft ? draftToOptions(draft) : null;
  const cancel = useCancelRun();
  const retry = useRetry();
  const running = run.state === 'running';
  const failedNodes = run.nodes.filter((n) => nodeState(n, running) === 'failed');
  const retryable = !running && run.nodes.some(canRetryNode);
  const pct = Math.round(runProgress(run) * 100);
  const error = cancel.error ?? retry.error;

  return (
    <section
      className="panel bu-run"
      aria-labelledby="bu-run-title"
      data-testid="bringup-run"
      data-run={run.id}
      data-state={run.state}
    >
      <div className="panel-head">
        <h3 id="bu-run-title">
          Bring-up{' '}
          <span className={`badge state-${run.state}`} data-testid="run-state">
            {RUN_STATE_TEXT[run.state]}
          </span>
        </h3>
        <div className="toolbar-actions">
          {running ? (
            <button
              type="button"
              className="btn danger"
              onClick={() => cancel.mutate(run.id)}
              disabled={cancel.isPending}
              aria-label="Cancel the bring-up"
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
          {retryable ? (
            <button
              type="button"
              className="btn primary"
              onClick={() => retry.mutate({ runId: run.id })}
              disabled={retry.isPending}
            >
              {retry.isPending ? 'Retrying…' : 'Retry failed'}
            </button>
          ) : null}
        </div>
      </div>
      <p className="muted small bu-run-facts">
        Ray {run.rayVersion} from {sourceText(run.options.source)} ·{' '}
        {run.options.withVllm ? 'with vLLM' : 'without vLLM'}
        {run.startedAt ? ` · started ${formatDateTime(run.startedAt)} · ` : ''}
        <Elapsed startedAt={run.startedAt} endedAt={run.endedAt} running={running} />
      </p>
      <div
        className={`progress progress-${run.state}`}
        role="progressbar"
        aria-label="Bring-up progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div className="bar" style={{ width: `${pct}%` }} />
      </div>
      <ErrorBanner error={error} />
      {retryable && formOptions && !sameOptions(formOptions, run.options) ? (
        <div className="banner warn bu-banner" role="status" data-testid="retry-options-changed">
          The options above changed since this run: {optionsText(formOptions)}. “Retry failed” runs
          this run's steps again with its own options ({optionsText(run.options)}). To use the new
          ones, review a new plan and bring up again — steps already done are skipped.{' '}
          {onReview ? (
            <button type="button" className="btn small" onClick={onReview}>
              Review plan with the new options
            </button>
          ) : null}
        </div>
      ) : retryable ? (
        <p className="muted small" data-testid="retry-uses">
          “Retry failed” runs the failed steps again with this run's options:{' '}
          {optionsText(run.options)}.
        </p>
      ) : null}
      {run.state === 'succeeded' && run.verified ? (
        <div className="banner" role="status" data-testid="bringup-summary">
          ✓ {verifiedSummary(run.verified)}
        </div>
      ) : null}
      {run.state === 'failed' && failedNodes.length ? (
        <div className="banner error" role="status" data-testid="bringup-failed">
          {plural(failedNodes.length, 'node', 'nodes')} failed (
          {failedNodes.map((n) => n.nodeName).join(', ')}). The error and a hint are shown at the
          failed step; fix the cause and retry — finished steps are kept.
        </div>
      ) : null}
      {run.state === 'cancelled' ? (
        <div className="banner warn bu-banner" role="status">
          Cancelled. Steps that did not finish can be run again with “Retry failed”.
        </div>
      ) : null}
      <div className="bu-nodes">
        {headFirst(run.nodes).map((n) => (
          <NodeRunCard
            key={n.nodeId}
            runId={run.id}
            node={n}
            runRunning={running}
            withVllm={
              run.options.withVllm &&
              (!run.options.vllmNodeIds || run.options.vllmNodeIds.includes(n.nodeId))
            }
          />
        ))}
      </div>
    </section>
  );
}
