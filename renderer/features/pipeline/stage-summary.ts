/**
 * What a stage box says at a glance: replicas (fixed, or autoscaling min–max), GPUs and CPUs per
 * replica, tensor-parallel size and the model it serves — read from the stage's deployment
 * options and, for an llm stage, its engine arguments (tensor parallel x pipeline parallel
 * GPUs per replica when no num_gpus is set).
 */
import type { PipelineStage } from '../../../shared/pipeline';

export interface StageSummary {
  replicas: string;
  gpus: number | null;
  cpus: number | null;
  /** tensor_parallel_size of an llm stage (null: not an llm or not set). */
  tp: number | null;
  model: string | null;
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function engineArg(stage: PipelineStage, key: string): unknown {
  return stage.kind === 'llm' ? stage.llm_config.engine_kwargs?.[key] : undefined;
}

/** An llm stage's model source as text (a path or an id; a cloud mirror by its bucket). */
export function llmSource(stage: PipelineStage): string {
  if (stage.kind !== 'llm') return '';
  const src = stage.llm_config.model_loading_config.model_source;
  if (typeof src === 'string') return src;
  return src?.bucket_uri ?? '';
}

export function summarize(stage: PipelineStage): StageSummary {
  const d = stage.deployment ?? {};
  const auto = d.autoscaling_config;
  let replicas: string;
  if (auto && (auto.min_replicas !== undefined || auto.max_replicas !== undefined))
    replicas = `auto ${auto.min_replicas ?? 1}–${auto.max_replicas ?? 1}`;
  else if (d.num_replicas === 'auto') replicas = 'auto';
  else replicas = `×${d.num_replicas ?? 1}`;
  const tp = num(engineArg(stage, 'tensor_parallel_size'));
  const pp = num(engineArg(stage, 'pipeline_parallel_size'));
  let gpus = num(d.ray_actor_options?.num_gpus);
  if (gpus === null && stage.kind === 'llm' && tp !== null) gpus = tp * (pp ?? 1);
  const model =
    stage.kind === 'llm'
      ? llmSource(stage) || stage.llm_config.model_loading_config.model_id || null
      : stage.kind === 'embedding' || stage.kind === 'reranker'
        ? stage.model || null
        : stage.kind === 'custom'
          ? stage.import_path || null
          : null;
  return { replicas, gpus, cpus: num(d.ray_actor_options?.num_cpus), tp, model };
}

/** The last part of a path or id, for a box too narrow for the whole of it. */
export function shortName(source: string): string {
  const parts = source.split('/').filter(Boolean);
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : source;
}
