/**
 * The side form for the selected stage: its id (the Serve deployment name, renamed on Enter or
 * leaving the field, every edge following), what it runs (per kind: model, llm engine args,
 * router field and values, ingress routes, custom import path and options, rag inputs), and
 * its Serve deployment options (fixed replicas or autoscaling min–max, GPUs and CPUs per
 * replica). Each field checks what is typed; every change is one undoable edit of the graph.
 */
import { useEffect, useState } from 'react';
import {
  RAG_INPUTS,
  STAGE_ID_PATTERN,
  renameStage,
  updateStage,
  type DeploymentOptions,
  type PipelineGraph,
  type PipelineStage,
} from '../../../shared/pipeline';
import { ErrorBanner } from '../../ui';
import { FieldRow, KeyValueEditor, NumberField, TextField } from './FormFields';
import { LlmFields } from './LlmFields';
import { usePipelineEditor } from './pipeline-store';
import { RefsEditor } from './RefsEditor';
import { kindInfo } from './stage-kinds';

function IdField({
  stage,
  graph,
  disabled,
}: {
  stage: PipelineStage;
  graph: PipelineGraph;
  disabled: boolean;
}) {
  const [text, setText] = useState(stage.id);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => setText(stage.id), [stage.id]);
  const t = text.trim();
  const problem = !STAGE_ID_PATTERN.test(t)
    ? 'A letter, then letters, digits, _ or - (48 at most): it becomes the Serve deployment name.'
    : t !== stage.id && graph.stages.some((s) => s.id === t)
      ? `Another stage is named "${t}".`
      : null;
  const commit = () => {
    if (problem || t === stage.id) return;
    const { edit, select } = usePipelineEditor.getState();
    const why = edit((g) => renameStage(g, stage.id, t));
    setRefused(why);
    if (!why) select([t]);
  };
  return (
    <FieldRow label="Stage id" error={problem ?? refused} hint="Enter renames; every edge follows.">
      {(id, described) => (
        <input
          id={id}
          value={text}
          disabled={disabled}
          aria-invalid={Boolean(problem)}
          aria-describedby={described}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
            if (e.key === 'Escape') setText(stage.id);
          }}
        />
      )}
    </FieldRow>
  );
}

function DeploymentFields({
  stage,
  change,
  disabled,
}: {
  stage: PipelineStage;
  change(next: PipelineStage, field: string): void;
  disabled: boolean;
}) {
  const d: DeploymentOptions = stage.deployment ?? {};
  const auto = d.autoscaling_config !== undefined || d.num_replicas === 'auto';
  const set = (next: DeploymentOptions, field: string) =>
    change({ ...stage, deployment: next }, field);
  const actor = d.ray_actor_options ?? {};
  const setActor = (key: 'num_gpus' | 'num_cpus', v: number | undefined) => {
    const next = { ...actor };
    if (v === undefined) delete next[key];
    else next[key] = v;
    set({ ...d, ray_actor_options: next }, `actor.${key}`);
  };
  const min = d.autoscaling_config?.min_replicas;
  const max = d.autoscaling_config?.max_replicas;
  return (
    <fieldset className="pl-deployment">
      <legend>Replicas and resources</legend>
      <div className="segmented" role="radiogroup" aria-label="Replica mode">
        <button
          type="button"
          role="radio"
          aria-checked={!auto}
          className={!auto ? 'active' : ''}
          disabled={disabled}
          onClick={() => {
            const next = { ...d, num_replicas: 1 };
            delete next.autoscaling_config;
            set(next, 'replicas.mode');
          }}
        >
          Fixed
        </button>
        <button
          type="button"
          role="radio"
          aria-checked={auto}
          className={auto ? 'active' : ''}
          disabled={disabled}
          onClick={() => {
            const next = { ...d, autoscaling_config: { min_replicas: 1, max_replicas: 2 } };
            delete next.num_replicas;
            set(next, 'replicas.mode');
          }}
        >
          Autoscaling
        </button>
      </div>
      {auto ? (
        <div className="form-grid">
          <NumberField
            label="Min replicas"
            value={min}
            rules={{ min: 0, integer: true }}
            disabled={disabled}
            onChange={(v) =>
              set(
                { ...d, autoscaling_config: { ...d.autoscaling_config, min_replicas: v } },
                'auto.min',
              )
            }
          />
          <NumberField
            label="Max replicas"
            value={max}
            rules={{ min: Math.max(1, min ?? 1), integer: true }}
            disabled={disabled}
            onChange={(v) =>
              set(
                { ...d, autoscaling_config: { ...d.autoscaling_config, max_replicas: v } },
                'auto.max',
              )
            }
          />
        </div>
      ) : (
        <NumberField
          label="Replicas"
          value={typeof d.num_replicas === 'number' ? d.num_replicas : undefined}
          rules={{ min: 0, integer: true, optional: true }}
          disabled={disabled}
          hint="Empty: one."
          onChange={(v) => set({ ...d, num_replicas: v }, 'replicas')}
        />
      )}
      <div className="form-grid">
        <NumberField
          label="GPUs per replica"
          value={actor.num_gpus}
          rules={{ min: 0, optional: true }}
          disabled={disabled}
          hint={stage.kind === 'llm' ? 'Empty: from tensor parallel.' : 'Fractions share a GPU.'}
          onChange={(v) => setActor('num_gpus', v)}
        />
        <NumberField
          label="CPUs per replica"
          value={actor.num_cpus}
          rules={{ min: 0, optional: true }}
          disabled={disabled}
          onChange={(v) => setActor('num_cpus', v)}
        />
      </div>
    </fieldset>
  );
}

const routeProblem = (k: string) => (k.startsWith('/') ? null : 'A route starts with "/".');
const inputProblem = (k: string) =>
  /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? null : 'An input is a Python keyword argument name.';

function KindFields({
  stage,
  graph,
  change,
  disabled,
}: {
  stage: PipelineStage;
  graph: PipelineGraph;
  change(next: PipelineStage, field: string): void;
  disabled: boolean;
}) {
  const targets = graph.stages
    .filter((s) => s.id !== stage.id && s.kind !== 'ingress')
    .map((s) => s.id);
  switch (stage.kind) {
    case 'llm':
      return <LlmFields stage={stage} change={change} disabled={disabled} />;
    case 'embedding':
    case 'reranker':
      return (
        <>
          <TextField
            label="Model"
            value={stage.model}
            disabled={disabled}
            placeholder={
              stage.kind === 'embedding'
                ? '/root/.raydeck/models/tiny-embed'
                : '/root/.raydeck/models/tiny-rerank'
            }
            hint={`A folder on the nodes or a Hugging Face id, loaded as a sentence-transformers ${stage.kind === 'embedding' ? 'SentenceTransformer' : 'CrossEncoder'}.`}
            validate={(v) => (v.trim() ? null : 'Required: the model to load.')}
            onChange={(v) => change({ ...stage, model: v }, 'model')}
          />
          <KeyValueEditor
            label="Options"
            entries={stage.options ?? {}}
            disabled={disabled}
            onChange={(o) => change({ ...stage, options: o }, 'options')}
          />
        </>
      );
    case 'rag':
      return (
        <>
          <RefsEditor
            label="Inputs"
            keyLabel="Input"
            refs={stage.inputs}
            targets={targets}
            fixedKeys={RAG_INPUTS}
            disabled={disabled}
            testId="rag-inputs"
            onChange={(r) => change({ ...stage, inputs: { ...r } }, 'inputs')}
          />
          <KeyValueEditor
            label="Options"
            entries={stage.options ?? {}}
            disabled={disabled}
            onChange={(o) => change({ ...stage, options: o }, 'options')}
          />
        </>
      );
    case 'router':
      return (
        <>
          <TextField
            label="Route by request field"
            value={stage.options.field}
            disabled={disabled}
            validate={(v) =>
              v.trim() ? null : 'Required: the JSON field whose value picks the stage.'
            }
            onChange={(v) =>
              change({ ...stage, options: { ...stage.options, field: v } }, 'router.field')
            }
          />
          <TextField
            label="Default value"
            value={stage.options.default ?? ''}
            disabled={disabled}
            hint="Used when a request has no such field; empty: such a request is refused."
            validate={(v) =>
              !v || v in stage.inputs ? null : `"${v}" is none of the values below.`
            }
            onChange={(v) => {
              const { default: _old, ...rest } = stage.options;
              change({ ...stage, options: v ? { ...rest, default: v } : rest }, 'router.default');
            }}
          />
          <RefsEditor
            label="Values"
            keyLabel="Value"
            refs={stage.inputs}
            targets={targets}
            disabled={disabled}
            testId="router-values"
            onChange={(r) => change({ ...stage, inputs: r }, 'inputs')}
          />
        </>
      );
    case 'ingress':
      return (
        <RefsEditor
          label="HTTP routes"
          keyLabel="Route"
          refs={stage.routes}
          targets={targets}
          keyProblem={routeProblem}
          disabled={disabled}
          testId="ingress-routes"
          onChange={(r) => change({ ...stage, routes: r }, 'routes')}
        />
      );
    case 'custom':
      return (
        <>
          <TextField
            label="Import path"
            value={stage.import_path}
            disabled={disabled}
            placeholder="mypkg.module:MyDeployment"
            hint="A deployment class or function the nodes can import."
            validate={(v) =>
              /^[A-Za-z_][\w.]*:[A-Za-z_]\w*$/.test(v.trim())
                ? null
                : 'Write it as module.path:Name.'
            }
            onChange={(v) => change({ ...stage, import_path: v }, 'import_path')}
          />
          <KeyValueEditor
            label="Options"
            entries={stage.options ?? {}}
            disabled={disabled}
            onChange={(o) => change({ ...stage, options: o }, 'options')}
          />
          <RefsEditor
            label="Inputs"
            keyLabel="Input"
            refs={stage.inputs ?? {}}
            targets={targets}
            keyProblem={inputProblem}
            disabled={disabled}
            testId="custom-inputs"
            onChange={(r) => change({ ...stage, inputs: r }, 'inputs')}
          />
        </>
      );
  }
}

export function StageForm({ graph, stageId }: { graph: PipelineGraph; stageId: string }) {
  const stage = graph.stages.find((s) => s.id === stageId);
  const [refused, setRefused] = useState<string | null>(null);
  if (!stage) return null;
  const disabled = Boolean(graph.readOnly);
  const change = (next: PipelineStage, field: string) =>
    setRefused(
      usePipelineEditor
        .getState()
        .edit((g) => updateStage(g, stage.id, () => next), `${stage.id}.${field}`),
    );
  const info = kindInfo(stage.kind);
  return (
    <aside
      className="panel pl-form"
      aria-label={`Stage ${stage.id}`}
      data-testid="stage-form"
      data-stage={stage.id}
    >
      <div className="panel-head">
        <h3>
          {info.label} <span className="mono">{stage.id}</span>
        </h3>
        <span className="muted small">{info.what}</span>
      </div>
      {disabled ? <p className="muted small">Read-only: {graph.readOnly?.reason}</p> : null}
      <ErrorBanner error={refused} prefix="Not changed">
        {refused}
      </ErrorBanner>
      <IdField key={stage.id} stage={stage} graph={graph} disabled={disabled} />
      <KindFields stage={stage} graph={graph} change={change} disabled={disabled} />
      <DeploymentFields stage={stage} change={change} disabled={disabled} />
    </aside>
  );
}
