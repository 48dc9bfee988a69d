/**
 * One stage on the canvas: its kind and id, replicas (or autoscaling min–max), GPUs per replica,
 * tensor-parallel size and model at a glance, and the checks that concern it — red for errors,
 * amber for warnings, each message written on the stage itself. A handle on the left receives
 * the calls of other stages; each named input port (rag's embedding/reranker/llm, a router's
 * route values, an ingress's paths) is a handle on the right, drawn to the stage it calls.
 */
import { memo } from 'react';
import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import type { PipelineCheck, PipelineStage } from '../../../shared/pipeline';
import { kindInfo } from './stage-kinds';
import { shortName, summarize } from './stage-summary';

export interface StageNodeData extends Record<string, unknown> {
  stage: PipelineStage;
  ports: string[];
  /** port -> bound stage id ('' or absent: unbound). */
  bound: Record<string, string>;
  checks: PipelineCheck[];
  readOnly: boolean;
}

export type StageFlowNode = Node<StageNodeData, 'stage'>;

/** The handle id a port draws as (port names are free text: route paths, field values). */
export const portHandleId = (port: string) => `port:${port}`;
export const IN_HANDLE = 'in';

function StageNodeView({ data, selected }: NodeProps<StageFlowNode>) {
  const { stage, ports, bound, checks } = data;
  const info = kindInfo(stage.kind);
  const s = summarize(stage);
  const errors = checks.filter((c) => c.severity === 'error').length;
  const warnings = checks.length - errors;
  const state = errors ? 'error' : warnings ? 'warning' : 'ok';
  return (
    <div
      className={`pl-stage pl-kind-${stage.kind} pl-state-${state}${selected ? ' selected' : ''}`}
      data-testid="pipeline-stage"
      data-stage={stage.id}
      data-kind={stage.kind}
      data-state={state}
      aria-label={`${info.label} stage ${stage.id}${errors ? `, ${errors} error${errors > 1 ? 's' : ''}` : ''}${warnings ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''}`}
    >
      {stage.kind !== 'ingress' ? (
        <Handle type="target" position={Position.Left} id={IN_HANDLE} className="pl-handle-in" />
      ) : null}
      <div className="pl-stage-head">
        <span className="pl-stage-icon" aria-hidden>
          {info.icon}
        </span>
        <span className="pl-stage-kind">{info.label}</span>
        <strong className="pl-stage-id" data-testid="stage-id">
          {stage.id}
        </strong>
        {errors ? (
          <span className="pl-badge pl-badge-error" data-testid="stage-errors">
            {errors}
          </span>
        ) : null}
        {warnings ? (
          <span className="pl-badge pl-badge-warning" data-testid="stage-warnings">
            {warnings}
          </span>
        ) : null}
      </div>
      {s.model ? (
        <div className="pl-stage-model mono" title={s.model}>
          {shortName(s.model)}
        </div>
      ) : null}
      <dl className="pl-stage-facts">
        <div>
          <dt>replicas</dt>
          <dd data-testid="stage-replicas">{s.replicas}</dd>
        </div>
        <div>
          <dt>GPU/replica</dt>
          <dd data-testid="stage-gpus">{s.gpus ?? 0}</dd>
        </div>
        {stage.kind === 'llm' ? (
          <div>
            <dt>TP</dt>
            <dd data-testid="stage-tp">{s.tp ?? 1}</dd>
          </div>
        ) : null}
      </dl>
      {ports.length ? (
        <ul className="pl-ports" aria-label="Inputs">
          {ports.map((p) => (
            <li
              key={p}
              className={bound[p] ? 'pl-port bound' : 'pl-port unbound'}
              data-testid="stage-port"
              data-port={p}
            >
              <span className="pl-port-name">{p}</span>
              <span className="pl-port-to muted">{bound[p] ? `→ ${bound[p]}` : 'unbound'}</span>
              <Handle
                type="source"
                position={Position.Right}
                id={portHandleId(p)}
                className="pl-handle-port"
              />
            </li>
          ))}
        </ul>
      ) : null}
      {checks.length ? (
        <ul className="pl-stage-checks" data-testid="stage-checks">
          {checks.map((c, i) => (
            <li
              key={`${c.code}-${i}`}
              className={`pl-check pl-check-${c.severity}`}
              data-testid="stage-check"
              data-severity={c.severity}
              data-code={c.code}
            >
              {c.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export const StageNode = memo(StageNodeView);
