/**
 * Example pipelines (the seed documents' shapes) built with the graph's own edits: the RAG
 * pipeline (embedding -> reranker -> LLM), seed 001's gateway routing 7b/70b to two LLM stages,
 * a tensor-parallel LLM, and a custom stage. Tests compile and check them; the editor may offer
 * them as templates. Models are the testbed's tiny ones under /root/.raydeck/models/.
 */
import {
  addStage,
  connect,
  emptyPipeline,
  type LlmStage,
  type PipelineGraph,
  type PipelineStage,
} from './graph';

export const TESTBED_MODELS_DIR = '/root/.raydeck/models';

/** The testbed's tiny Llama (scripts/models/make_tiny_llama.py: its config.json numbers). */
export const TINY_LLAMA_FACTS = {
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  hidden_size: 128,
  intermediate_size: 256,
  vocab_size: 2048,
};

/** vLLM's CPU build on the testbed (CPU-RECIPE.md), as the serving cluster test runs it. */
const CPU_RUNTIME = {
  env_vars: {
    VLLM_CPU_KVCACHE_SPACE: '1',
    VLLM_TARGET_DEVICE: 'cpu',
    VLLM_CPU_OMP_THREADS_BIND: 'nobind',
    HF_HUB_OFFLINE: '1',
    VLLM_NO_USAGE_STATS: '1',
    DO_NOT_TRACK: '1',
  },
};

/** An llm stage on the tiny Llama, on CPU (the testbed) unless `gpu`. */
export function tinyLlm(id: string, opts: { gpu?: boolean; tp?: number } = {}): LlmStage {
  return {
    id,
    kind: 'llm',
    llm_config: {
      model_loading_config: { model_id: id, model_source: `${TESTBED_MODELS_DIR}/tiny-llama` },
      engine_kwargs: {
        dtype: 'bfloat16',
        max_model_len: 512,
        max_num_seqs: 4,
        ...(opts.tp ? { tensor_parallel_size: opts.tp } : {}),
        ...(opts.gpu ? {} : { enforce_eager: true }),
      },
      ...(opts.gpu
        ? {}
        : { accelerator_config: { kind: 'cpu' as const }, runtime_env: CPU_RUNTIME }),
    },
    model_facts: TINY_LLAMA_FACTS,
    // On CPU the replica actor itself takes no CPU: its placement group's one CPU runs the
    // engine (a testbed node has 2 CPUs for everything).
    deployment: {
      autoscaling_config: { min_replicas: 1, max_replicas: 1 },
      ...(opts.gpu ? {} : { ray_actor_options: { num_cpus: 0 } }),
    },
  };
}

function build(
  name: string,
  stages: PipelineStage[],
  edges: [string, string, string][],
): PipelineGraph {
  let g = emptyPipeline(name);
  stages.forEach((s, i) => (g = addStage(g, s, [(i % 3) * 260, Math.floor(i / 3) * 160])));
  for (const [from, port, to] of edges) g = connect(g, { from, port, to });
  return g;
}

/** The seed's RAG pipeline: embed query + candidates, cosine top-k, rerank, then the LLM. */
export const ragPipeline = (): PipelineGraph =>
  build(
    'rag',
    [
      {
        id: 'api',
        kind: 'ingress',
        routes: {},
        deployment: { ray_actor_options: { num_cpus: 0 } },
      },
      {
        id: 'embed',
        kind: 'embedding',
        model: `${TESTBED_MODELS_DIR}/tiny-embed`,
        deployment: { num_replicas: 1, ray_actor_options: { num_cpus: 0.5 } },
      },
      {
        id: 'rerank',
        kind: 'reranker',
        model: `${TESTBED_MODELS_DIR}/tiny-rerank`,
        options: { top_n: 3 },
        deployment: { num_replicas: 1, ray_actor_options: { num_cpus: 0.5 } },
      },
      tinyLlm('llm'),
      {
        id: 'rag',
        kind: 'rag',
        options: { top_k: 10 },
        inputs: {},
        deployment: { ray_actor_options: { num_cpus: 0 } },
      },
    ],
    [
      ['rag', 'embedding', 'embed'],
      ['rag', 'reranker', 'rerank'],
      ['rag', 'llm', 'llm'],
      ['api', '/query', 'rag'],
      ['api', '/embed', 'embed'],
      ['api', '/rerank', 'rerank'],
      ['api', '/chat', 'llm'],
    ],
  );

/** Seed 001's gateway: `model_size` 7b / 70b picks one of two LLM stages. */
export const gatewayPipeline = (): PipelineGraph =>
  build(
    'gateway',
    [
      {
        id: 'api',
        kind: 'ingress',
        routes: {},
        deployment: { ray_actor_options: { num_cpus: 0 } },
      },
      {
        id: 'router',
        kind: 'router',
        options: { field: 'model_size', default: '7b' },
        inputs: {},
        deployment: { ray_actor_options: { num_cpus: 0 } },
      },
      tinyLlm('llm_7b'),
      tinyLlm('llm_70b'),
    ],
    [
      ['router', '7b', 'llm_7b'],
      ['router', '70b', 'llm_70b'],
      ['api', '/gateway', 'router'],
    ],
  );

/** One LLM over `tp` GPUs of one node (tensor parallel), on GPUs. */
export const tpPipeline = (tp = 2): PipelineGraph =>
  build(
    'tp-llm',
    [{ id: 'api', kind: 'ingress', routes: {} }, tinyLlm('llm', { gpu: true, tp })],
    [['api', '/chat', 'llm']],
  );

/** A custom deployment by import path, given the LLM as a handle. */
export const customPipeline = (): PipelineGraph =>
  build(
    'custom',
    [
      { id: 'api', kind: 'ingress', routes: {} },
      {
        id: 'tool',
        kind: 'custom',
        import_path: 'mypkg.tools:Summarizer',
        options: { style: 'short' },
        inputs: {},
        deployment: { num_replicas: 2, ray_actor_options: { num_cpus: 1, num_gpus: 0.5 } },
      },
      tinyLlm('llm'),
    ],
    [
      ['tool', 'llm', 'llm'],
      ['api', '/summarize', 'tool'],
    ],
  );

export const FIXTURES: Record<string, () => PipelineGraph> = {
  rag: ragPipeline,
  gateway: gatewayPipeline,
  'tp-llm': () => tpPipeline(2),
  custom: customPipeline,
};
