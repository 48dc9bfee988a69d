/**
 * The pipeline graph the editor draws (issue 17): stages of seven kinds, the edges between them
 * (a stage's `inputs`, an ingress's `routes`: DeploymentHandle bindings), per-stage Serve
 * deployment options, and the editor's layout. The format in a Serve config's `args.pipeline`
 * is docs/pipeline-graph.md (format 1); compile.ts writes it, read-back.ts reads it.
 *
 * The schema accepts unfinished drawings (an empty model, a rag stage without a reranker): what is
 * wrong with a graph is said by checks.ts, on the stage it concerns, not by a parse failure. The
 * helpers below never mutate: each returns a new graph, so the editor's undo/redo keeps old ones.
 */
import { z } from 'zod';
import { LLMConfigSchema } from '../serve/schema-llm';

export const PIPELINE_FORMAT = 1;
/** The import path of Raydeck's app builder (remote/raydeck_serve). */
export const PIPELINE_IMPORT_PATH = 'raydeck_serve.app:build';
/** A stage id is its Serve deployment name. */
export const STAGE_ID_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,47}$/;

export const STAGE_KINDS = [
  'ingress',
  'llm',
  'embedding',
  'reranker',
  'rag',
  'router',
  'custom',
] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** The inputs a rag stage needs, by name (the seed's orchestrator). */
export const RAG_INPUTS = ['embedding', 'reranker', 'llm'] as const;

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const dict = z.record(z.string(), z.unknown());
/** name -> stage id */
const refs = z.record(z.string(), z.string());

/** Serve's autoscaling_config (the fields the editor shows; others kept as written). */
export const AutoscalingSchema = z.looseObject({
  min_replicas: finite.optional(),
  max_replicas: finite.optional(),
  initial_replicas: finite.nullable().optional(),
  target_ongoing_requests: finite.optional(),
});

/** Serve's ray_actor_options (memory in bytes, as Ray takes it). */
export const ActorOptionsSchema = z.looseObject({
  num_cpus: finite.optional(),
  num_gpus: finite.optional(),
  memory: finite.optional(),
  accelerator_type: z.string().optional(),
});

/**
 * A stage's Serve deployment options. They compile to the application's `deployments:` entry
 * named by the stage id; an llm stage's go into `llm_config.deployment_config` (Ray Serve LLM
 * builds that deployment), its GPUs come from tensor parallel (placement group bundles).
 */
export const DeploymentOptionsSchema = z.looseObject({
  num_replicas: z.union([finite, z.literal('auto')]).optional(),
  autoscaling_config: AutoscalingSchema.optional(),
  max_ongoing_requests: finite.optional(),
  ray_actor_options: ActorOptionsSchema.optional(),
});

/**
 * Numbers of a model's config.json (Hugging Face names) for the VRAM estimate, when the model is
 * not one vram.ts knows by name. Ignored by the app builder.
 */
export const ModelFactsSchema = z.object({
  /** Parameters in billions. */
  params_b: finite.optional(),
  num_hidden_layers: finite.optional(),
  num_attention_heads: finite.optional(),
  num_key_value_heads: finite.optional(),
  hidden_size: finite.optional(),
  head_dim: finite.optional(),
  intermediate_size: finite.optional(),
  vocab_size: finite.optional(),
});

const base = {
  id: z.string(),
  deployment: DeploymentOptionsSchema.optional(),
};

export const IngressStageSchema = z.object({
  ...base,
  kind: z.literal('ingress'),
  /** HTTP path under the app's route_prefix -> stage id. */
  routes: refs,
});
export const LlmStageSchema = z.object({
  ...base,
  kind: z.literal('llm'),
  /**
   * One Ray Serve LLM LLMConfig (model source, engine_kwargs, accelerator, placement group),
   * without deployment_config: the stage's `deployment` is compiled into it.
   */
  llm_config: LLMConfigSchema.omit({ deployment_config: true }),
  model_facts: ModelFactsSchema.optional(),
});
export const EmbeddingStageSchema = z.object({
  ...base,
  kind: z.literal('embedding'),
  /** A path on the node or a Hugging Face id (sentence_transformers.SentenceTransformer). */
  model: z.string(),
  options: dict.optional(),
});
export const RerankerStageSchema = z.object({
  ...base,
  kind: z.literal('reranker'),
  /** A path on the node or a Hugging Face id (sentence_transformers.CrossEncoder). */
  model: z.string(),
  options: dict.optional(),
});
export const RagStageSchema = z.object({
  ...base,
  kind: z.literal('rag'),
  options: dict.optional(),
  /** embedding / reranker / llm -> stage id */
  inputs: refs,
});
export const RouterStageSchema = z.object({
  ...base,
  kind: z.literal('router'),
  /** field: the request field to route by; default: the value used when it is absent. */
  options: z.looseObject({ field: z.string(), default: z.string().optional() }),
  /** field value -> stage id */
  inputs: refs,
});
export const CustomStageSchema = z.object({
  ...base,
  kind: z.literal('custom'),
  /** module:attribute of a deployment class or function. */
  import_path: z.string(),
  options: dict.optional(),
  inputs: refs.optional(),
});

export const StageSchema = z.discriminatedUnion('kind', [
  IngressStageSchema,
  LlmStageSchema,
  EmbeddingStageSchema,
  RerankerStageSchema,
  RagStageSchema,
  RouterStageSchema,
  CustomStageSchema,
]);

export const LayoutSchema = z.record(z.string(), z.tuple([finite, finite]));

/** A pipeline as the editor holds it and a `*.pipeline.yaml` file stores it. */
export const PipelineGraphSchema = z.object({
  format: z.literal(PIPELINE_FORMAT).default(PIPELINE_FORMAT),
  name: z.string(),
  stages: z.array(StageSchema),
  /** stage id -> [x, y] on the canvas (ignored by the builder). */
  layout: LayoutSchema.default({}),
  /** Set on a graph read back from a config Raydeck did not compile: shown, not edited. */
  readOnly: z.object({ reason: z.string() }).optional(),
});

export type StageAutoscalingConfig = z.infer<typeof AutoscalingSchema>;
export type ActorOptions = z.infer<typeof ActorOptionsSchema>;
export type DeploymentOptions = z.infer<typeof DeploymentOptionsSchema>;
export type ModelFacts = z.infer<typeof ModelFactsSchema>;
export type IngressStage = z.infer<typeof IngressStageSchema>;
export type LlmStage = z.infer<typeof LlmStageSchema>;
export type EmbeddingStage = z.infer<typeof EmbeddingStageSchema>;
export type RerankerStage = z.infer<typeof RerankerStageSchema>;
export type RagStage = z.infer<typeof RagStageSchema>;
export type RouterStage = z.infer<typeof RouterStageSchema>;
export type CustomStage = z.infer<typeof CustomStageSchema>;
export type PipelineStage = z.infer<typeof StageSchema>;
export type StageOf<K extends StageKind> = Extract<PipelineStage, { kind: K }>;
export type PipelineLayout = z.infer<typeof LayoutSchema>;
export type PipelineGraph = z.infer<typeof PipelineGraphSchema>;

/** One finding about a graph, shown on its stage (null: the whole graph). */
export const PipelineCheckSchema = z.object({
  stageId: z.string().nullable(),
  severity: z.enum(['error', 'warning']),
  code: z.string(),
  message: z.string(),
  fix: z.string(),
});
export type PipelineCheck = z.infer<typeof PipelineCheckSchema>;

/** A node of the cluster as the checks see it (from preflight facts). */
export const ClusterNodeGpusSchema = z.object({
  name: z.string(),
  gpus: z.number().min(0),
  /** Memory of one GPU, MiB (null: unknown). */
  gpuMemoryMiB: z.number().min(0).nullable(),
});
export type ClusterNodeGpus = z.infer<typeof ClusterNodeGpusSchema>;

/**
 * An edge: `from` holds a DeploymentHandle to `to` under `port` (an input name, a router's field
 * value, or an ingress route path). Requests flow from `from` to `to`.
 */
export interface PipelineEdge {
  from: string;
  port: string;
  to: string;
}

/** The named references of a stage (inputs or routes). */
export function refsOf(stage: PipelineStage): Record<string, string> {
  switch (stage.kind) {
    case 'ingress':
      return stage.routes;
    case 'rag':
    case 'router':
      return stage.inputs;
    case 'custom':
      return stage.inputs ?? {};
    case 'llm':
    case 'embedding':
    case 'reranker':
      return {};
  }
}

export function edgesOf(graph: PipelineGraph): PipelineEdge[] {
  return graph.stages.flatMap((s) =>
    Object.entries(refsOf(s)).map(([port, to]) => ({ from: s.id, port, to })),
  );
}

export const stageById = (graph: PipelineGraph, id: string): PipelineStage | undefined =>
  graph.stages.find((s) => s.id === id);

/** The id of the (first) ingress stage, or null. */
export const ingressOf = (graph: PipelineGraph): string | null =>
  graph.stages.find((s) => s.kind === 'ingress')?.id ?? null;

/** A free stage id from `base` (`llm`, `llm_2`, `llm_3`…). */
export function uniqueStageId(graph: PipelineGraph, base: string): string {
  const clean = base.replace(/[^A-Za-z0-9_-]/g, '_').replace(/^[^A-Za-z]+/, '') || 'stage';
  const taken = new Set(graph.stages.map((s) => s.id));
  if (!taken.has(clean)) return clean.slice(0, 48);
  for (let n = 2; ; n++) {
    const id = `${clean.slice(0, 44)}_${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A new stage of `kind` with the fields it needs, for the palette. */
export function newStage(kind: StageKind, id: string): PipelineStage {
  switch (kind) {
    case 'ingress':
      return { id, kind, routes: {} };
    case 'llm':
      return {
        id,
        kind,
        llm_config: {
          model_loading_config: { model_id: id, model_source: '' },
          engine_kwargs: { dtype: 'auto', max_model_len: 4096 },
        },
      };
    case 'embedding':
    case 'reranker':
      return { id, kind, model: '' };
    case 'rag':
      return { id, kind, options: { top_k: 10 }, inputs: {} };
    case 'router':
      return { id, kind, options: { field: 'model_size' }, inputs: {} };
    case 'custom':
      return { id, kind, import_path: '', options: {}, inputs: {} };
  }
}

export const emptyPipeline = (name: string): PipelineGraph => ({
  format: PIPELINE_FORMAT,
  name,
  stages: [],
  layout: {},
});

/** Adds a stage (its id must be free) at `position`. */
export function addStage(
  graph: PipelineGraph,
  stage: PipelineStage,
  position?: [number, number],
): PipelineGraph {
  if (stageById(graph, stage.id)) throw new Error(`a stage named "${stage.id}" already exists`);
  return {
    ...graph,
    stages: [...graph.stages, stage],
    layout: position ? { ...graph.layout, [stage.id]: position } : graph.layout,
  };
}

/** Replaces the references of a stage (inputs or routes) by `next`. */
function withRefs(stage: PipelineStage, next: Record<string, string>): PipelineStage {
  switch (stage.kind) {
    case 'ingress':
      return { ...stage, routes: next };
    case 'rag':
    case 'router':
    case 'custom':
      return { ...stage, inputs: next };
    case 'llm':
    case 'embedding':
    case 'reranker':
      return stage;
  }
}

const mapRefs = (
  stage: PipelineStage,
  fn: (entries: [string, string][]) => [string, string][],
): PipelineStage => {
  const before = refsOf(stage);
  const after = Object.fromEntries(fn(Object.entries(before)));
  return Object.keys(after).length === Object.keys(before).length &&
    Object.entries(after).every(([k, v]) => before[k] === v)
    ? stage
    : withRefs(stage, after);
};

/** Removes a stage, its position and every edge to it. */
export function removeStage(graph: PipelineGraph, id: string): PipelineGraph {
  const layout = { ...graph.layout };
  delete layout[id];
  return {
    ...graph,
    stages: graph.stages
      .filter((s) => s.id !== id)
      .map((s) => mapRefs(s, (e) => e.filter(([, to]) => to !== id))),
    layout,
  };
}

/** Replaces stage `id` by `fn(stage)`; a changed id is followed by every edge and the layout. */
export function updateStage(
  graph: PipelineGraph,
  id: string,
  fn: (stage: PipelineStage) => PipelineStage,
): PipelineGraph {
  const old = stageById(graph, id);
  if (!old) throw new Error(`no stage named "${id}"`);
  const next = fn(old);
  if (next.id === id) return { ...graph, stages: graph.stages.map((s) => (s === old ? next : s)) };
  if (stageById(graph, next.id)) throw new Error(`a stage named "${next.id}" already exists`);
  const layout = { ...graph.layout };
  if (layout[id]) {
    layout[next.id] = layout[id];
    delete layout[id];
  }
  return {
    ...graph,
    stages: graph.stages.map((s) =>
      mapRefs(s === old ? next : s, (e) => e.map(([k, to]) => [k, to === id ? next.id : to])),
    ),
    layout,
  };
}

export const renameStage = (graph: PipelineGraph, id: string, newId: string): PipelineGraph =>
  updateStage(graph, id, (s) => ({ ...s, id: newId }));

/** Draws an edge: stage `from` gets a handle to `to` under `port` (replacing that port's edge). */
export function connect(graph: PipelineGraph, edge: PipelineEdge): PipelineGraph {
  return updateStage(graph, edge.from, (s) => {
    if (s.kind === 'llm' || s.kind === 'embedding' || s.kind === 'reranker')
      throw new Error(`a ${s.kind} stage calls no other stage; draw the edge from the caller`);
    return withRefs(s, { ...refsOf(s), [edge.port]: edge.to });
  });
}

/** Removes the edge of `from` under `port`. */
export function disconnect(graph: PipelineGraph, from: string, port: string): PipelineGraph {
  return updateStage(graph, from, (s) => mapRefs(s, (e) => e.filter(([k]) => k !== port)));
}

export function moveStage(
  graph: PipelineGraph,
  id: string,
  position: [number, number],
): PipelineGraph {
  return { ...graph, layout: { ...graph.layout, [id]: position } };
}

/** Reads an unknown value as a graph (a file, a paste); throws zod's error. */
export const parsePipelineGraph = (value: unknown): PipelineGraph =>
  PipelineGraphSchema.parse(value);
