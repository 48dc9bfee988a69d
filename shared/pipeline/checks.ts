/**
 * Checks as you draw (issue 17): what is wrong with a pipeline graph, each finding attached to the
 * stage it concerns (null: the whole graph) with the fix. Structure here (ids, ingress, edges,
 * cycles, missing inputs and models); GPUs and VRAM against the cluster in checks-resources.ts.
 * Pure and fast: the editor runs it on every edit.
 */
import {
  RAG_INPUTS,
  STAGE_ID_PATTERN,
  edgesOf,
  refsOf,
  type ClusterNodeGpus,
  type PipelineCheck,
  type PipelineGraph,
  type PipelineStage,
  type StageKind,
} from './graph';
import { checkResources } from './checks-resources';
import { checkDeploymentOptions, checkLlmConfig } from './checks-serve';
import { checkStageOptions } from './stage-options';

/** What the checks know of the cluster the pipeline is meant for (optional). */
export interface PipelineClusterFacts {
  nodes: ClusterNodeGpus[];
}

const error = (
  stageId: string | null,
  code: string,
  message: string,
  fix: string,
): PipelineCheck => ({ stageId, severity: 'error', code, message, fix });

/** The kinds a rag stage accepts per input (custom and router stand in for anything). */
const RAG_INPUT_KINDS: Record<(typeof RAG_INPUTS)[number], StageKind[]> = {
  embedding: ['embedding', 'custom'],
  reranker: ['reranker', 'custom'],
  llm: ['llm', 'router', 'custom'],
};

function checkIds(graph: PipelineGraph): PipelineCheck[] {
  const out: PipelineCheck[] = [];
  const seen = new Set<string>();
  for (const s of graph.stages) {
    if (!STAGE_ID_PATTERN.test(s.id))
      out.push(
        error(
          s.id,
          'bad-id',
          `stage id "${s.id}" is not a valid Serve deployment name`,
          'start with a letter; use letters, digits, _ and - only, at most 48 characters',
        ),
      );
    if (seen.has(s.id))
      out.push(
        error(
          s.id,
          'duplicate-id',
          `two stages are named "${s.id}"`,
          'rename one of them: the id is the deployment name',
        ),
      );
    seen.add(s.id);
  }
  return out;
}

function checkIngress(graph: PipelineGraph): PipelineCheck[] {
  const ingresses = graph.stages.filter((s) => s.kind === 'ingress');
  if (ingresses.length === 0)
    return [
      error(
        null,
        'no-ingress',
        'the pipeline has no ingress stage: nothing receives HTTP requests',
        'add an ingress stage and route a path (e.g. /query) to the first stage',
      ),
    ];
  return ingresses
    .slice(1)
    .map((s) =>
      error(
        s.id,
        'two-ingresses',
        `"${s.id}" is a second ingress; a pipeline has exactly one (the first is "${ingresses[0]!.id}")`,
        `remove "${s.id}" and add its routes to "${ingresses[0]!.id}"`,
      ),
    );
}

function checkEdges(graph: PipelineGraph): PipelineCheck[] {
  const out: PipelineCheck[] = [];
  const byId = new Map(graph.stages.map((s) => [s.id, s]));
  for (const e of edgesOf(graph)) {
    const target = byId.get(e.to);
    const what = byId.get(e.from)?.kind === 'ingress' ? `route ${e.port}` : `input "${e.port}"`;
    if (!target)
      out.push(
        error(
          e.from,
          'dangling-ref',
          `${what} of "${e.from}" names stage "${e.to}", which does not exist`,
          `connect ${what} to an existing stage or remove it`,
        ),
      );
    else if (target.kind === 'ingress')
      out.push(
        error(
          e.from,
          'input-is-ingress',
          `${what} of "${e.from}" points at the ingress "${e.to}"`,
          'point it at the stage that does the work',
        ),
      );
    else if (e.to === e.from)
      out.push(
        error(e.from, 'self-ref', `${what} of "${e.from}" points at itself`, 'remove that edge'),
      );
  }
  return out;
}

/** Every stage on a cycle, once, with the cycle's path. */
function checkCycles(graph: PipelineGraph): PipelineCheck[] {
  const next = new Map<string, string[]>();
  for (const e of edgesOf(graph))
    if (e.from !== e.to) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  const out: PipelineCheck[] = [];
  const visit = (id: string) => {
    state.set(id, 'open');
    stack.push(id);
    for (const to of next.get(id) ?? []) {
      if (state.get(to) === 'open') {
        const cycle = [...stack.slice(stack.indexOf(to)), to];
        for (const s of cycle.slice(0, -1))
          if (!reported.has(s)) {
            reported.add(s);
            out.push(
              error(
                s,
                'cycle',
                `"${s}" is on a cycle: ${cycle.join(' -> ')}; Serve binds a stage's inputs before the stage, so a cycle cannot be built`,
                'remove one edge of the cycle',
              ),
            );
          }
      } else if (!state.has(to)) visit(to);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const s of graph.stages) if (!state.has(s.id)) visit(s.id);
  return out;
}

function checkStage(stage: PipelineStage, byId: Map<string, PipelineStage>): PipelineCheck[] {
  const out: PipelineCheck[] = [];
  const id = stage.id;
  switch (stage.kind) {
    case 'ingress':
      if (Object.keys(stage.routes).length === 0)
        out.push(
          error(
            id,
            'missing-input',
            `ingress "${id}" has no route`,
            'route a path such as /query to a stage',
          ),
        );
      for (const path of Object.keys(stage.routes))
        if (!path.startsWith('/'))
          out.push(
            error(
              id,
              'bad-route',
              `route "${path}" of "${id}" does not start with /`,
              `write it as /${path}`,
            ),
          );
      break;
    case 'rag':
      for (const extra of Object.keys(stage.inputs).filter(
        (k) => !(RAG_INPUTS as readonly string[]).includes(k),
      ))
        out.push(
          error(
            id,
            'unknown-input',
            `rag stage "${id}" has an input "${extra}"; it takes ${RAG_INPUTS.join(', ')}`,
            `remove "${extra}"`,
          ),
        );
      for (const input of RAG_INPUTS) {
        const to = stage.inputs[input];
        if (!to)
          out.push(
            error(
              id,
              'missing-input',
              `rag stage "${id}" has no ${input} input; it needs an embedding, a reranker and an llm`,
              `connect its ${input} input to a${input === 'embedding' ? 'n' : ''} ${input} stage`,
            ),
          );
        else {
          const kind = byId.get(to)?.kind;
          if (kind && !RAG_INPUT_KINDS[input].includes(kind))
            out.push(
              error(
                id,
                'wrong-input-kind',
                `the ${input} input of rag stage "${id}" is "${to}", which is a ${kind} stage`,
                `connect it to a ${RAG_INPUT_KINDS[input].join(' or ')} stage`,
              ),
            );
        }
      }
      break;
    case 'router': {
      if (!stage.options.field)
        out.push(
          error(
            id,
            'missing-option',
            `router "${id}" has no request field to route by`,
            'set options.field, e.g. model_size',
          ),
        );
      const values = Object.keys(stage.inputs);
      if (values.length === 0)
        out.push(
          error(
            id,
            'missing-input',
            `router "${id}" has no downstream stage`,
            'connect a stage for each value of the field (e.g. 7b, 70b)',
          ),
        );
      const dflt = stage.options.default;
      if (dflt !== undefined && values.length > 0 && !values.includes(dflt))
        out.push(
          error(
            id,
            'router-default',
            `router "${id}" defaults to "${dflt}", which is none of its routes (${values.join(', ')})`,
            `set options.default to one of ${values.join(', ')}`,
          ),
        );
      break;
    }
    case 'embedding':
    case 'reranker':
      if (!stage.model.trim())
        out.push(
          error(
            id,
            'missing-model',
            `${stage.kind} stage "${id}" has no model`,
            'give a path on the nodes (e.g. /root/.raydeck/models/tiny-embed) or a Hugging Face id',
          ),
        );
      break;
    case 'llm': {
      const mlc = stage.llm_config.model_loading_config;
      if (!mlc.model_id.trim())
        out.push(
          error(
            id,
            'missing-model',
            `llm stage "${id}" has no model_id`,
            'set model_loading_config.model_id (the name clients ask for)',
          ),
        );
      if (!mlc.model_source || (typeof mlc.model_source === 'string' && !mlc.model_source.trim()))
        out.push(
          error(
            id,
            'missing-model',
            `llm stage "${id}" has no model source`,
            'set model_loading_config.model_source: a path on the nodes or a Hugging Face id',
          ),
        );
      for (const key of ['model', 'served_model_name'])
        if (stage.llm_config.engine_kwargs && key in stage.llm_config.engine_kwargs)
          out.push(
            error(
              id,
              'engine-model',
              `llm stage "${id}" sets engine_kwargs.${key}, which Ray Serve LLM refuses`,
              'set the model in model_loading_config (model_id, model_source) instead',
            ),
          );
      break;
    }
    case 'custom':
      if (!/^[A-Za-z_][\w.]*[:.][A-Za-z_]\w*$/.test(stage.import_path))
        out.push(
          error(
            id,
            'bad-import-path',
            `custom stage "${id}" has import path "${stage.import_path}"`,
            'write module.path:Attribute, e.g. mypkg.mod:MyDeployment',
          ),
        );
      for (const name of Object.keys(stage.inputs ?? {}))
        if (!/^[A-Za-z_]\w*$/.test(name))
          out.push(
            error(
              id,
              'bad-input-name',
              `input "${name}" of custom stage "${id}" is not a Python keyword argument name`,
              'name it with letters, digits and _ (it is passed to the constructor as that keyword)',
            ),
          );
      break;
  }
  return out;
}

/** Stages that no request can reach from the ingress (the app builder refuses them). */
function checkReachable(graph: PipelineGraph): PipelineCheck[] {
  const ingress = graph.stages.find((s) => s.kind === 'ingress');
  if (!ingress) return [];
  const byId = new Map(graph.stages.map((s) => [s.id, s]));
  const seen = new Set([ingress.id]);
  const todo: PipelineStage[] = [ingress];
  while (todo.length) {
    for (const to of Object.values(refsOf(todo.pop()!))) {
      const s = byId.get(to);
      if (s && !seen.has(to)) {
        seen.add(to);
        todo.push(s);
      }
    }
  }
  return graph.stages
    .filter((s) => !seen.has(s.id) && s.kind !== 'ingress')
    .map((s) =>
      error(
        s.id,
        'unreachable',
        `no route of "${ingress.id}" leads to "${s.id}": it would hold its resources and never be called, and the app builder refuses it`,
        `connect it, or route a path of "${ingress.id}" to it`,
      ),
    );
}

/** Every check of the graph; with `cluster`, also GPU counts, tensor parallel and VRAM fit. */
export function checkPipeline(
  graph: PipelineGraph,
  cluster?: PipelineClusterFacts,
): PipelineCheck[] {
  if (graph.readOnly)
    return [
      {
        stageId: null,
        severity: 'warning',
        code: 'read-only',
        message: `read-only: ${graph.readOnly.reason}`,
        fix: 'edit that config as Serve YAML, or draw a new pipeline',
      },
    ];
  const byId = new Map(graph.stages.map((s) => [s.id, s]));
  return [
    ...checkIds(graph),
    ...checkIngress(graph),
    ...checkEdges(graph),
    ...checkCycles(graph),
    ...graph.stages.flatMap((s) => checkStage(s, byId)),
    ...graph.stages.flatMap((s) => (s.kind === 'llm' ? checkLlmConfig(s) : [])),
    ...graph.stages.flatMap(checkDeploymentOptions),
    ...graph.stages.flatMap(checkStageOptions),
    ...checkReachable(graph),
    ...checkResources(graph, cluster),
  ];
}

export const hasPipelineErrors = (checks: PipelineCheck[]): boolean =>
  checks.some((c) => c.severity === 'error');

/** The checks shown on one stage (null: the graph's own). */
export const checksOn = (checks: PipelineCheck[], stageId: string | null): PipelineCheck[] =>
  checks.filter((c) => c.stageId === stageId);
