/**
 * Reads a Serve config back as pipeline graphs, one per application. An application compiled by
 * compile.ts (`import_path: raydeck_serve.app:build`, `args.pipeline`) gives back the graph it
 * was compiled from: each stage's Serve options from its `deployments:` entry (an llm stage's
 * from `llm_config.deployment_config`, an override in its entry winning as in Ray), and the
 * placement group the compiler wrote for tensor parallel taken out again. Any other application
 * gives a read-only graph of what the config shows: a Ray Serve LLM app as its ingress and one
 * llm stage per model (those edges are known), other apps one custom stage per deployment.
 */
import { parse } from 'yaml';
import { LLM_APP_BUILDERS } from '../serve/schema-llm';
import { llmWorkers } from './checks-resources';
import {
  PIPELINE_IMPORT_PATH,
  PipelineGraphSchema,
  STAGE_ID_PATTERN,
  type DeploymentOptions,
  type LlmStage,
  type PipelineGraph,
  type PipelineStage,
} from './graph';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One application of the config, read back. */
export interface ReadBackApp {
  app: string;
  graph: PipelineGraph;
}

/** The placement group compile.ts writes for tensor parallel (taken out again on read-back). */
function isCompiledPlacement(stage: LlmStage): boolean {
  const pg = stage.llm_config.placement_group_config;
  return (
    !!pg &&
    pg.strategy === 'STRICT_PACK' &&
    pg.bundle_per_worker === undefined &&
    Array.isArray(pg.bundles) &&
    pg.bundles.length === llmWorkers(stage) &&
    pg.bundles.every((b) => Object.keys(b).length === 1 && b.GPU === 1)
  );
}

const nonEmpty = (o: Json | undefined): Json | undefined =>
  o && Object.keys(o).length ? o : undefined;

/** A compiled application's graph, or the reason it is not one. */
function compiledGraph(app: Json): { graph: PipelineGraph } | { reason: string } {
  const pipeline = isObject(app.args) ? app.args.pipeline : undefined;
  if (!isObject(pipeline)) return { reason: 'its args have no pipeline' };
  const entries = new Map<string, Json>();
  for (const d of Array.isArray(app.deployments) ? app.deployments : [])
    if (isObject(d) && typeof d.name === 'string') {
      const { name, ...options } = d;
      entries.set(name, options);
    }
  const stages = (Array.isArray(pipeline.stages) ? pipeline.stages : []).map((raw) => {
    if (!isObject(raw)) return raw;
    const override = entries.get(String(raw.id));
    if (raw.kind !== 'llm' || !isObject(raw.llm_config)) {
      const deployment = nonEmpty(override);
      return deployment ? { ...raw, deployment } : raw;
    }
    const { deployment_config, ...llm_config } = raw.llm_config;
    const deployment = nonEmpty({
      ...(isObject(deployment_config) ? deployment_config : {}),
      ...override,
    });
    return { ...raw, llm_config, ...(deployment ? { deployment } : {}) };
  });
  const parsed = PipelineGraphSchema.safeParse({
    format: pipeline.format,
    name: pipeline.name ?? app.name,
    stages,
    layout: pipeline.layout ?? {},
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { reason: `args.pipeline.${issue.path.join('.')}: ${issue.message}` };
  }
  const graph = parsed.data;
  graph.stages = graph.stages.map((s) => {
    if (s.kind !== 'llm' || !isCompiledPlacement(s)) return s;
    const { placement_group_config: _pg, ...llm_config } = s.llm_config;
    return { ...s, llm_config };
  });
  return { graph };
}

/** A stage id from a deployment or model name (Serve allows more characters than stage ids). */
function stageId(name: string, taken: Set<string>): string {
  let id =
    name
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^[^A-Za-z]+/, '')
      .slice(0, 44) || 'deployment';
  if (!STAGE_ID_PATTERN.test(id)) id = `d_${id}`.slice(0, 48);
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}_${n}`;
  taken.add(unique);
  return unique;
}

const deploymentOf = (entry: Json | undefined): DeploymentOptions | undefined => {
  if (!entry) return undefined;
  const { name: _name, ...options } = entry;
  return nonEmpty(options) as DeploymentOptions | undefined;
};

/** What a hand-written application shows: its deployments, and a Serve LLM app's models. */
function readOnlyGraph(app: Json, name: string, reason: string): PipelineGraph {
  const taken = new Set<string>();
  const stages: PipelineStage[] = [];
  const importPath = typeof app.import_path === 'string' ? app.import_path : '';
  const deployments = (Array.isArray(app.deployments) ? app.deployments : []).filter(isObject);
  const args = isObject(app.args) ? app.args : {};
  if (
    (LLM_APP_BUILDERS as readonly string[]).includes(importPath) &&
    Array.isArray(args.llm_configs)
  ) {
    const routes: Record<string, string> = {};
    const ingress: PipelineStage = { id: stageId('OpenAiIngress', taken), kind: 'ingress', routes };
    stages.push(ingress);
    for (const cfg of args.llm_configs) {
      if (!isObject(cfg) || !isObject(cfg.model_loading_config)) continue;
      const modelId = String(cfg.model_loading_config.model_id ?? 'model');
      const { deployment_config, ...llm_config } = cfg;
      const id = stageId(modelId, taken);
      routes[`/v1 ${modelId}`] = id;
      const deployment = deploymentOf(isObject(deployment_config) ? deployment_config : undefined);
      stages.push({
        id,
        kind: 'llm',
        llm_config: llm_config as LlmStage['llm_config'],
        ...(deployment ? { deployment } : {}),
      });
    }
  } else {
    const entries = deployments.length ? deployments : [{ name }];
    for (const entry of entries) {
      const deployment = deploymentOf(entry);
      stages.push({
        id: stageId(String(entry.name ?? name), taken),
        kind: 'custom',
        import_path: importPath,
        ...(deployment ? { deployment } : {}),
      });
    }
  }
  return { format: 1, name, stages, layout: {}, readOnly: { reason } };
}

/** Every application of a Serve config (YAML text or parsed) as a graph. */
export function readBackPipelines(config: unknown): ReadBackApp[] {
  const value: unknown = typeof config === 'string' ? parse(config) : config;
  if (!isObject(value) || !Array.isArray(value.applications))
    throw new Error('read-back: not a Serve config (no "applications" list)');
  return value.applications.filter(isObject).map((app, i) => {
    const name = typeof app.name === 'string' ? app.name : `app${i + 1}`;
    if (app.import_path !== PIPELINE_IMPORT_PATH)
      return {
        app: name,
        graph: readOnlyGraph(
          app,
          name,
          `application "${name}" is hand-written (import_path ${String(app.import_path)}), not compiled by Raydeck`,
        ),
      };
    const r = compiledGraph(app);
    if ('graph' in r) return { app: name, graph: r.graph };
    return {
      app: name,
      graph: readOnlyGraph(
        app,
        name,
        `application "${name}" names Raydeck's app builder but ${r.reason}`,
      ),
    };
  });
}

/** One application's graph (`app`: its name; default the first). */
export function readBackPipeline(config: unknown, app?: string): PipelineGraph {
  const all = readBackPipelines(config);
  const found = app === undefined ? all[0] : all.find((a) => a.app === app);
  if (!found)
    throw new Error(
      app === undefined
        ? 'read-back: the config has no application'
        : `read-back: no application "${app}" (there are: ${all.map((a) => a.app).join(', ')})`,
    );
  return found.graph;
}
