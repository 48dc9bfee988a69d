/** Each check draws its faulty graph and finds the message on the stage it concerns. */
import { describe, expect, it } from 'vitest';
import { checkPipeline, checksOn, hasPipelineErrors, type PipelineClusterFacts } from './checks';
import { FIXTURES, gatewayPipeline, ragPipeline, tinyLlm, tpPipeline } from './fixtures';
import {
  addStage,
  connect,
  disconnect,
  newStage,
  removeStage,
  updateStage,
  type LlmStage,
  type PipelineGraph,
} from './graph';
import { estimateVram, modelFactsFromConfigJson } from './vram';

const GPU_NODES = (gpus: number, mib = 81559, count = 1): PipelineClusterFacts => ({
  nodes: Array.from({ length: count }, (_, i) => ({ name: `gpu${i}`, gpus, gpuMemoryMiB: mib })),
});

/** The one check of `code`, asserting it sits on `stageId`. */
function only(
  graph: PipelineGraph,
  code: string,
  stageId: string | null,
  cluster?: PipelineClusterFacts,
) {
  const found = checkPipeline(graph, cluster).filter((c) => c.code === code);
  expect(
    found.map((c) => c.stageId),
    code,
  ).toContain(stageId);
  const c = found.find((f) => f.stageId === stageId)!;
  expect(checksOn(checkPipeline(graph, cluster), stageId)).toContainEqual(c);
  expect(c.fix.length).toBeGreaterThan(5);
  return c;
}

const llm = (g: PipelineGraph, id: string, fn: (s: LlmStage) => LlmStage) =>
  updateStage(g, id, (s) => fn(s as LlmStage));
const withKwargs = (g: PipelineGraph, id: string, kw: Record<string, unknown>) =>
  llm(g, id, (s) => ({
    ...s,
    llm_config: { ...s.llm_config, engine_kwargs: { ...s.llm_config.engine_kwargs, ...kw } },
  }));

describe('pipeline checks', () => {
  it('the example pipelines have no error', () => {
    for (const [name, make] of Object.entries(FIXTURES))
      expect(
        checkPipeline(make(), GPU_NODES(8)).filter((c) => c.severity === 'error'),
        name,
      ).toEqual([]);
  });

  it('a bad id and a duplicate id', () => {
    const g = {
      ...ragPipeline(),
      stages: [
        ...ragPipeline().stages,
        newStage('embedding', 'embed'),
        newStage('embedding', '9x'),
      ],
    };
    expect(only(g, 'duplicate-id', 'embed').message).toMatch(/two stages are named "embed"/);
    expect(only(g, 'bad-id', '9x').message).toMatch(/not a valid Serve deployment name/);
  });

  it('no ingress, two ingresses', () => {
    expect(only(removeStage(ragPipeline(), 'api'), 'no-ingress', null).message).toMatch(
      /no ingress/,
    );
    const two = addStage(ragPipeline(), { id: 'api2', kind: 'ingress', routes: { '/x': 'rag' } });
    expect(only(two, 'two-ingresses', 'api2').message).toMatch(/second ingress.*"api"/);
  });

  it('a rag stage without a reranker', () => {
    const c = only(disconnect(ragPipeline(), 'rag', 'reranker'), 'missing-input', 'rag');
    expect(c.message).toMatch(/no reranker input/);
  });

  it('a router without downstream stages, without a field, with a default that is no route', () => {
    const g = addStage(gatewayPipeline(), {
      id: 'r2',
      kind: 'router',
      options: { field: '' },
      inputs: {},
    });
    expect(only(g, 'missing-input', 'r2').message).toMatch(/no downstream/);
    expect(only(g, 'missing-option', 'r2').message).toMatch(/no request field/);
    const d = updateStage(
      gatewayPipeline(),
      'router',
      (s) => ({ ...s, options: { field: 'model_size', default: '13b' } }) as typeof s,
    );
    expect(only(d, 'router-default', 'router').message).toMatch(
      /defaults to "13b", which is none of its routes \(7b, 70b\)/,
    );
  });

  it('an ingress without routes and a route without its slash', () => {
    const g = updateStage(ragPipeline(), 'api', () => ({ id: 'api', kind: 'ingress', routes: {} }));
    expect(only(g, 'missing-input', 'api').message).toMatch(/no route/);
    const h = connect(ragPipeline(), { from: 'api', port: 'q', to: 'rag' });
    expect(only(h, 'bad-route', 'api').message).toMatch(/"q".*does not start with \//);
  });

  it('an input of the wrong kind', () => {
    const g = connect(ragPipeline(), { from: 'rag', port: 'reranker', to: 'embed' });
    expect(only(g, 'wrong-input-kind', 'rag').message).toMatch(
      /reranker input of rag stage "rag" is "embed", which is a embedding stage/,
    );
  });

  it('a dangling reference, a reference to the ingress, a self reference', () => {
    const g = connect(ragPipeline(), { from: 'rag', port: 'reranker', to: 'gone' });
    expect(only(g, 'dangling-ref', 'rag').message).toMatch(/"gone", which does not exist/);
    const h = connect(gatewayPipeline(), { from: 'router', port: '13b', to: 'api' });
    expect(only(h, 'input-is-ingress', 'router').message).toMatch(/points at the ingress/);
    const k = connect(gatewayPipeline(), { from: 'router', port: '13b', to: 'router' });
    expect(only(k, 'self-ref', 'router').message).toMatch(/points at itself/);
  });

  it('a cycle, on every stage of it', () => {
    let g = addStage(gatewayPipeline(), {
      id: 'r2',
      kind: 'router',
      options: { field: 'x' },
      inputs: {},
    });
    g = connect(g, { from: 'router', port: '13b', to: 'r2' });
    g = connect(g, { from: 'r2', port: 'back', to: 'router' });
    expect(only(g, 'cycle', 'router').message).toMatch(/router -> r2 -> router/);
    only(g, 'cycle', 'r2');
    expect(checkPipeline(g).filter((c) => c.code === 'cycle')).toHaveLength(2);
  });

  it('a stage without a model, a custom stage without an import path', () => {
    const g = updateStage(ragPipeline(), 'embed', (s) => ({ ...s, model: ' ' }) as typeof s);
    expect(only(g, 'missing-model', 'embed').message).toMatch(
      /embedding stage "embed" has no model/,
    );
    const h = llm(ragPipeline(), 'llm', (s) => ({
      ...s,
      llm_config: { ...s.llm_config, model_loading_config: { model_id: 'x', model_source: '' } },
    }));
    expect(only(h, 'missing-model', 'llm').message).toMatch(/no model source/);
    const k = addStage(ragPipeline(), {
      id: 'tool',
      kind: 'custom',
      import_path: 'not a path',
      inputs: {},
    });
    expect(only(k, 'bad-import-path', 'tool').message).toMatch(/"not a path"/);
  });

  it("an llm stage's LLMConfig with a misspelt engine argument (the Serve validator's LLM rules)", () => {
    const g = withKwargs(ragPipeline(), 'llm', { max_modle_len: 512 });
    const c = only(g, 'llm-config-engine-kwarg', 'llm');
    expect(c.message).toMatch(/llm_config\.engine_kwargs\.max_modle_len/);
    expect(c.fix).toMatch(/max_model_len/);
  });

  it('options the app builder refuses: unknown, wrong type, below 1', () => {
    const g = updateStage(
      ragPipeline(),
      'rerank',
      (s) => ({ ...s, options: { top_m: 3 } }) as typeof s,
    );
    expect(only(g, 'unknown-option', 'rerank').fix).toMatch(/top_n/);
    const h = updateStage(
      ragPipeline(),
      'rag',
      (s) => ({ ...s, options: { top_k: 'ten' } }) as typeof s,
    );
    expect(only(h, 'option-type', 'rag').message).toMatch(
      /"top_k" of "rag" must be a whole number, got "ten"/,
    );
    const k = updateStage(
      ragPipeline(),
      'rag',
      (s) => ({ ...s, options: { top_k: 0 } }) as typeof s,
    );
    expect(only(k, 'option-range', 'rag').message).toMatch(/at least 1, got 0/);
  });

  it('inputs the app builder refuses: an unknown rag input, a custom input that is no keyword', () => {
    const g = connect(ragPipeline(), { from: 'rag', port: 'extra', to: 'embed' });
    expect(only(g, 'unknown-input', 'rag').message).toMatch(/input "extra"/);
    const h = addStage(ragPipeline(), {
      id: 'tool',
      kind: 'custom',
      import_path: 'a.b:C',
      inputs: { 'the llm': 'llm' },
    });
    expect(
      only(connect(h, { from: 'api', port: '/t', to: 'tool' }), 'bad-input-name', 'tool').message,
    ).toMatch(/"the llm"/);
  });

  it('an llm stage naming its model in engine_kwargs', () => {
    const g = withKwargs(ragPipeline(), 'llm', { model: '/x' });
    expect(only(g, 'engine-model', 'llm').message).toMatch(/engine_kwargs.model/);
  });

  it("Serve's own rules on a stage's deployment options: replicas with autoscaling, min above max", () => {
    const g = updateStage(ragPipeline(), 'embed', (s) => ({
      ...s,
      deployment: { num_replicas: 2, autoscaling_config: { max_replicas: 3 } },
    }));
    const c = only(g, 'deployment-replicas-conflict', 'embed');
    expect(c.message).toMatch(
      /^embedding stage "embed", deployment\.num_replicas: num_replicas is 2 and autoscaling_config is set/,
    );
    const h = updateStage(ragPipeline(), 'llm', (s) => ({
      ...s,
      deployment: { autoscaling_config: { min_replicas: 3, max_replicas: 2 } },
    }));
    expect(
      checksOn(checkPipeline(h), 'llm')
        .filter((x) => x.severity === 'error')
        .map((x) => x.message)
        .join('\n'),
    ).toMatch(/llm stage "llm", llm_config\.deployment_config\.autoscaling_config/);
  });

  it('a stage no route leads to', () => {
    const g = addStage(ragPipeline(), tinyLlm('spare'));
    expect(only(g, 'unreachable', 'spare').message).toMatch(/no route of "api" leads to "spare"/);
  });

  it('a vLLM replica on a fractional GPU', () => {
    const g = updateStage(tpPipeline(1), 'llm', (s) => ({
      ...s,
      deployment: { ray_actor_options: { num_gpus: 0.5 } },
    }));
    const c = only(g, 'fractional-gpu-vllm', 'llm');
    expect(c.severity).toBe('error');
    expect(c.message).toMatch(/0.5 of a GPU/);
    const lowered = withKwargs(g, 'llm', { gpu_memory_utilization: 0.45 });
    expect(only(lowered, 'fractional-gpu-vllm', 'llm').severity).toBe('warning');
  });

  it('placement group bundles that do not match the workers', () => {
    const g = llm(tpPipeline(2), 'llm', (s) => ({
      ...s,
      llm_config: { ...s.llm_config, placement_group_config: { bundles: [{ GPU: 1 }] } },
    }));
    expect(only(g, 'bundles-mismatch', 'llm').message).toMatch(
      /1 placement group bundles for 2 vLLM workers/,
    );
  });

  it('tensor parallel wider than any one node is refused', () => {
    const c = only(tpPipeline(4), 'tp-exceeds-node', 'llm', GPU_NODES(2, 81559, 3));
    expect(c.message).toMatch(/needs 4 GPUs on one node.*largest node has 2/);
    expect(
      checkPipeline(tpPipeline(2), GPU_NODES(2)).some((x) => x.code === 'tp-exceeds-node'),
    ).toBe(false);
  });

  it('more GPUs than the cluster has, at start and when scaled', () => {
    const g = updateStage(tpPipeline(2), 'llm', (s) => ({ ...s, deployment: { num_replicas: 3 } }));
    const c = only(g, 'gpus-exceed-cluster', 'llm', GPU_NODES(2, 81559, 2));
    expect(c.message).toMatch(/asks for 6 GPUs at start, the cluster has 4/);
    const h = updateStage(tpPipeline(2), 'llm', (s) => ({
      ...s,
      deployment: { autoscaling_config: { min_replicas: 1, max_replicas: 4 } },
    }));
    expect(only(h, 'gpus-exceed-cluster-autoscaling', 'llm', GPU_NODES(2, 81559, 2)).severity).toBe(
      'warning',
    );
  });

  it('a 70B model in bfloat16 does not fit one 80 GB GPU, and fits over four', () => {
    const big = (tp: number) =>
      llm(
        withKwargs(tpPipeline(tp), 'llm', { max_model_len: 8192, dtype: 'bfloat16' }),
        'llm',
        (s) => ({
          ...s,
          model_facts: undefined,
          llm_config: {
            ...s.llm_config,
            model_loading_config: {
              model_id: 'big',
              model_source: 'meta-llama/Llama-3.1-70B-Instruct',
            },
          },
        }),
      );
    const c = only(big(1), 'vram-does-not-fit', 'llm', GPU_NODES(8));
    expect(c.message).toMatch(/about 1\d\d GiB per GPU.*known model.*largest GPU offers 73 GiB/);
    expect(
      checkPipeline(big(4), GPU_NODES(8)).filter(
        (x) => x.code.startsWith('vram-') && x.severity === 'error',
      ),
    ).toEqual([]);
    const est = estimateVram(big(1).stages[1] as LlmStage)!;
    expect(est.weightsGiB).toBeGreaterThan(125);
    expect(est.weightsGiB).toBeLessThan(135);
    // 80 layers x 8 KV heads x 128 x 2 (K and V) x 2 bytes x 8192 tokens = 2.5 GiB
    expect(est.kvPerSequenceGiB).toBeCloseTo(2.5, 5);
  });

  it("the estimate from a config.json's numbers: the testbed's tiny Llama fits anything", () => {
    const facts = modelFactsFromConfigJson({
      architectures: ['LlamaForCausalLM'],
      vocab_size: 2048,
      hidden_size: 128,
      intermediate_size: 256,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
      tie_word_embeddings: true,
    });
    expect(facts).toEqual({
      vocab_size: 2048,
      hidden_size: 128,
      intermediate_size: 256,
      num_hidden_layers: 2,
      num_attention_heads: 4,
      num_key_value_heads: 2,
    });
    const g = llm(tpPipeline(1), 'llm', (s) => ({ ...s, model_facts: facts }));
    const est = estimateVram(g.stages[1] as LlmStage)!;
    expect(est.source).toBe('model_facts');
    // 2 layers x 2 KV heads x head_dim 32 x 2 (K, V) x 2 bytes x 512 tokens = 256 KiB
    expect(est.kvPerSequenceGiB * 1024 ** 3).toBe(262144);
    expect(est.weightsGiB).toBeLessThan(0.01);
    expect(
      modelFactsFromConfigJson({ text_config: { num_hidden_layers: 40 }, vocab_size: 1 }),
    ).toEqual({ num_hidden_layers: 40, vocab_size: 1 });
  });

  it('replicas that fit one by one but not all together on the large GPUs', () => {
    const g = updateStage(
      llm(tpPipeline(1), 'llm', (s) => ({
        ...s,
        model_facts: { params_b: 30, num_hidden_layers: 48, num_key_value_heads: 8, head_dim: 128 },
      })),
      'llm',
      (s) => ({ ...s, deployment: { num_replicas: 2 } }),
    );
    const cluster = {
      nodes: [
        { name: 'a100', gpus: 1, gpuMemoryMiB: 81559 },
        { name: 't4', gpus: 4, gpuMemoryMiB: 15360 },
      ],
    };
    expect(only(g, 'vram-replicas', 'llm', cluster).message).toMatch(
      /starts 2 replicas.*hold only 1/,
    );
  });

  it('a KV cache too small for max_num_seqs full sequences is a warning', () => {
    const g = withKwargs(
      llm(tpPipeline(1), 'llm', (s) => ({
        ...s,
        model_facts: { params_b: 8, num_hidden_layers: 32, num_key_value_heads: 8, head_dim: 128 },
      })),
      'llm',
      { max_model_len: 32768, max_num_seqs: 256 },
    );
    const c = only(g, 'vram-full-batch', 'llm', GPU_NODES(1));
    expect(c.severity).toBe('warning');
    expect(hasPipelineErrors(checkPipeline(g, GPU_NODES(1)))).toBe(false);
  });
});
