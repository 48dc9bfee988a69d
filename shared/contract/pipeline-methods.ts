/**
 * Methods of the pipeline editor (issue 17): pipeline files (`*.pipeline.yaml` under
 * $RAYDECK_HOME/pipelines, or a path the user gives), checks and compile with the cluster's
 * GPUs from preflight, read-back of a Serve config, and a request through the head's tunnel to
 * a deployed pipeline with its per-stage timings. Deploying goes through `serve.apply`.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import { Id } from './primitives';
import { ClusterNodeGpusSchema, PipelineCheckSchema, PipelineGraphSchema } from '../pipeline/graph';

/** A pipeline file: a name or path ending in .pipeline.yaml. */
const PipelinePath = z
  .string({ error: 'must be text' })
  .min(1, { error: 'is required' })
  .max(4096)
  .refine((p) => p.endsWith('.pipeline.yaml') && !p.includes('\0'), {
    error: 'must be a file name ending in .pipeline.yaml',
  });
const Graph = PipelineGraphSchema.refine((g) => g.stages.length <= 500, {
  error: 'a pipeline has at most 500 stages',
});

export const PipelineFileInfo = z.object({
  path: z.string(),
  name: z.string(),
  stages: z.number(),
  modifiedAt: z.string(),
});
export type PipelineFileInfo = z.infer<typeof PipelineFileInfo>;

export const PipelineCompileResult = z.object({
  /** The Serve config's YAML text; null when a check has an error. */
  yaml: z.string().nullable(),
  checks: z.array(PipelineCheckSchema),
  /** Each error with its stage, one per line; null when compiled. */
  refusal: z.string().nullable(),
  /** The nodes' GPUs the checks used (null: no cluster, or no preflight facts yet). */
  nodes: z.array(ClusterNodeGpusSchema).nullable(),
});

export const PipelineTryAnswer = z.object({
  /** HTTP status of the ingress's answer. */
  status: z.number(),
  /** The JSON answer (text when it was not JSON). */
  body: z.unknown(),
  /** Per-stage times the app builder added (`timings_ms`), stage id -> ms. */
  timings_ms: z.record(z.string(), z.number()),
  /** The whole request as the core measured it, tunnel included. */
  elapsedMs: z.number(),
  /** The path posted (route_prefix + route). */
  path: z.string(),
});

export const pipelineMethods = {
  'pipeline.list': defineMethod({
    summary: 'The saved pipelines (*.pipeline.yaml under $RAYDECK_HOME/pipelines), newest first.',
    input: z.object({}).strict(),
    output: z.array(PipelineFileInfo),
  }),
  'pipeline.open': defineMethod({
    summary: 'Read a pipeline file (a name under $RAYDECK_HOME/pipelines, or an absolute path).',
    input: z.object({ path: PipelinePath }).strict(),
    output: z.object({ path: z.string(), graph: PipelineGraphSchema }),
  }),
  'pipeline.save': defineMethod({
    summary: 'Write a pipeline file atomically (the old file stays whole if anything fails).',
    input: z.object({ path: PipelinePath, graph: Graph }).strict(),
    output: z.object({ path: z.string() }),
  }),
  'pipeline.check': defineMethod({
    summary: "Check a pipeline graph (with a cluster: against its nodes' GPUs from preflight).",
    input: z.object({ graph: Graph, clusterId: Id.optional() }).strict(),
    output: z.object({ checks: z.array(PipelineCheckSchema) }),
  }),
  'pipeline.compile': defineMethod({
    summary:
      "Compile a pipeline graph to a Serve config (refused, naming the stage, when a check fails); with a cluster, checked against its nodes' GPUs.",
    input: z
      .object({
        graph: Graph,
        clusterId: Id.optional(),
        routePrefix: z.string().max(256).startsWith('/').optional(),
      })
      .strict(),
    output: PipelineCompileResult,
  }),
  'pipeline.readBack': defineMethod({
    summary:
      'Read a Serve config back as pipeline graphs, one per application (hand-written ones read-only).',
    input: z
      .object({ yaml: z.string().max(1_000_000, { error: 'a Serve config is at most 1 MB' }) })
      .strict(),
    output: z.object({ apps: z.array(z.object({ app: z.string(), graph: PipelineGraphSchema })) }),
  }),
  'pipeline.try': defineMethod({
    summary:
      "POST a JSON request to a deployed pipeline's route through the head's SSH tunnel (Serve's HTTP port); the answer with its per-stage timings.",
    input: z
      .object({
        clusterId: Id,
        app: z.string().min(1).max(256),
        route: z.string().max(1024).startsWith('/'),
        body: z.record(z.string(), z.unknown()),
        timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
      })
      .strict(),
    output: PipelineTryAnswer,
  }),
} as const;
