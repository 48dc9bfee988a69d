/**
 * Compiles a pipeline graph into a Serve config (docs/pipeline-graph.md, format 1): one
 * application whose `import_path` is Raydeck's app builder, the graph in `args.pipeline`, and a
 * `deployments:` entry per stage (name = stage id) carrying its replicas, autoscaling and
 * ray_actor_options. An llm stage's options go into `llm_config.deployment_config` (Ray Serve LLM
 * builds that deployment); tensor parallel becomes engine_kwargs.tensor_parallel_size and one
 * `{GPU: 1}` placement group bundle per worker, packed on one node. Refuses, naming the stage,
 * when a check has an error; what it writes passes the Serve validator (tested per fixture).
 */
import { Document, isMap, isSeq } from 'yaml';
import { validateServeConfig } from '../serve';
import { checkPipeline, hasPipelineErrors, type PipelineClusterFacts } from './checks';
import { llmWorkers } from './checks-resources';
import {
  PIPELINE_FORMAT,
  PIPELINE_IMPORT_PATH,
  ingressOf,
  type LlmStage,
  type PipelineCheck,
  type PipelineGraph,
  type PipelineStage,
} from './graph';
import { tensorParallelOf } from './vram';

export interface CompileOptions {
  /** GPUs of the cluster's nodes: enables the GPU, tensor parallel and VRAM checks. */
  cluster?: PipelineClusterFacts;
  /** The application's route_prefix (default: `/<name>`). */
  routePrefix?: string;
}

export interface PipelineCompilation {
  /** The Serve config (null when refused). */
  config: Record<string, unknown> | null;
  /** Its YAML text (null when refused). */
  yaml: string | null;
  checks: PipelineCheck[];
  /** Why it was refused: each error with its stage, one per line. */
  refusal: string | null;
}

/** A Serve application name from the pipeline's name. */
export const appNameOf = (graph: PipelineGraph): string =>
  graph.name
    .trim()
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'pipeline';

/** The stage as `args.pipeline.stages` holds it: the Serve options taken out. */
function argsStage(stage: PipelineStage): Record<string, unknown> {
  const { deployment: _deployment, ...rest } = stage;
  if (stage.kind !== 'llm') return rest;
  const llm = rest as Omit<LlmStage, 'deployment'>;
  return { ...llm, llm_config: compiledLlmConfig(stage) };
}

/** The LLMConfig the app builder hands to Ray Serve LLM. */
function compiledLlmConfig(stage: LlmStage): Record<string, unknown> {
  const cfg: Record<string, unknown> = { ...stage.llm_config };
  const cpu = stage.llm_config.accelerator_config?.kind === 'cpu';
  if (!cpu && llmWorkers(stage) > 1 && !stage.llm_config.placement_group_config) {
    cfg.engine_kwargs = {
      ...stage.llm_config.engine_kwargs,
      tensor_parallel_size: tensorParallelOf(stage),
    };
    // One GPU per vLLM worker, all on one node: tensor parallel across nodes is refused by
    // the checks (tp-exceeds-node), and Ray must not split it (STRICT_PACK).
    cfg.placement_group_config = {
      bundles: Array.from({ length: llmWorkers(stage) }, () => ({ GPU: 1 })),
      strategy: 'STRICT_PACK',
    };
  }
  if (stage.deployment && Object.keys(stage.deployment).length)
    cfg.deployment_config = { ...stage.deployment };
  return cfg;
}

/** The `deployments:` entry of a stage (an llm stage's options are in its llm_config). */
function deploymentEntry(stage: PipelineStage): Record<string, unknown> {
  if (stage.kind === 'llm') return { name: stage.id };
  return { name: stage.id, ...stage.deployment };
}

/** The Serve config of a graph, without checking it (compilePipeline checks first). */
export function serveConfigOf(
  graph: PipelineGraph,
  options: CompileOptions = {},
): Record<string, unknown> {
  const name = appNameOf(graph);
  return {
    applications: [
      {
        name,
        route_prefix: options.routePrefix ?? `/${name}`,
        import_path: PIPELINE_IMPORT_PATH,
        args: {
          pipeline: {
            format: PIPELINE_FORMAT,
            name: graph.name,
            ingress: ingressOf(graph),
            layout: graph.layout,
            stages: graph.stages.map(argsStage),
          },
        },
        deployments: graph.stages.map(deploymentEntry),
      },
    ],
  };
}

const HEADER = (graph: PipelineGraph) =>
  `# Compiled by Raydeck from the pipeline ${JSON.stringify(graph.name)} (docs/pipeline-graph.md, format ${PIPELINE_FORMAT}).\n` +
  `# Raydeck reads it back as that pipeline; edit the pipeline, or this file as plain Serve YAML.\n`;

/** Each error as `stage "id": message — fix`, one per line. */
export function describeRefusal(checks: PipelineCheck[]): string {
  return checks
    .filter((c) => c.severity === 'error')
    .map(
      (c) => `${c.stageId === null ? 'pipeline' : `stage "${c.stageId}"`}: ${c.message} — ${c.fix}`,
    )
    .join('\n');
}

/** Checks the graph and, without errors, compiles it; the Serve validator checks the result too. */
export function compilePipeline(
  graph: PipelineGraph,
  options: CompileOptions = {},
): PipelineCompilation {
  const checks = graph.readOnly
    ? [
        {
          stageId: null,
          severity: 'error' as const,
          code: 'read-only',
          message: `this graph was read from a config Raydeck did not compile (${graph.readOnly.reason})`,
          fix: 'edit that config as Serve YAML, or draw a new pipeline',
        },
      ]
    : checkPipeline(graph, options.cluster);
  if (hasPipelineErrors(checks))
    return { config: null, yaml: null, checks, refusal: describeRefusal(checks) };
  const config = serveConfigOf(graph, options);
  const validation = validateServeConfig(config, {
    cluster: options.cluster
      ? { gpus: options.cluster.nodes.reduce((s, n) => s + n.gpus, 0) }
      : undefined,
  });
  const serveErrors = validation.diagnostics.filter((d) => d.severity === 'error');
  if (serveErrors.length) {
    // A stage's value the graph checks let through: name the stage from the path.
    const all = [
      ...checks,
      ...serveErrors.map((d) => ({
        stageId: stageOfPath(config, d.path),
        severity: 'error' as const,
        code: `serve-${d.code}`,
        message: `the Serve validator refuses the compiled config at ${d.path.join('.')}: ${d.message}`,
        fix: d.fix ?? 'correct the stage',
      })),
    ];
    return { config: null, yaml: null, checks: all, refusal: describeRefusal(all) };
  }
  return {
    config,
    yaml: serveYamlOf(graph, options),
    checks,
    refusal: null,
  };
}

/** The Serve config's YAML text, without checking (compilePipeline checks first). */
export const serveYamlOf = (graph: PipelineGraph, options: CompileOptions = {}): string =>
  HEADER(graph) + toYaml(serveConfigOf(graph, options));

/** YAML text of a compiled config; layout positions as `[x, y]` on one line. */
function toYaml(config: Record<string, unknown>): string {
  const doc = new Document(config, { aliasDuplicateObjects: false });
  const layout = doc.getIn(['applications', 0, 'args', 'pipeline', 'layout']);
  if (isMap(layout)) for (const pair of layout.items) if (isSeq(pair.value)) pair.value.flow = true;
  return doc.toString({ lineWidth: 0 });
}

/** The stage a Serve config path points into (a deployments entry or args.pipeline.stages[i]). */
function stageOfPath(config: Record<string, unknown>, path: (string | number)[]): string | null {
  const app = (config.applications as Record<string, unknown>[])[0]!;
  if (path[2] === 'deployments' && typeof path[3] === 'number')
    return String((app.deployments as { name: string }[])[path[3]]?.name ?? null);
  if (path[2] === 'args' && path[4] === 'stages' && typeof path[5] === 'number')
    return String(
      (app.args as { pipeline: { stages: { id: string }[] } }).pipeline.stages[path[5]]?.id ?? null,
    );
  return null;
}
