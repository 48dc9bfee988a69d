/** Read-back: what compile() writes gives the same graph (property test); hand-written configs give read-only graphs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPipeline } from './checks';
import { compilePipeline, serveConfigOf, serveYamlOf } from './compile';
import { FIXTURES, tpPipeline } from './fixtures';
import type { DeploymentOptions, PipelineGraph, PipelineStage } from './graph';
import { readBackPipeline, readBackPipelines } from './read-back';

const text = fc.string({ maxLength: 12 });
const quarter = fc.integer({ min: 0, max: 16 }).map((n) => n / 4);
const deployment: fc.Arbitrary<DeploymentOptions | undefined> = fc.option(
  fc.oneof(
    fc.record({ num_replicas: fc.integer({ min: 1, max: 4 }) }),
    fc.record({ num_replicas: fc.constant('auto' as const) }),
    fc.record({
      autoscaling_config: fc.record({
        min_replicas: fc.integer({ min: 0, max: 2 }),
        max_replicas: fc.integer({ min: 2, max: 8 }),
      }),
      ray_actor_options: fc.record({ num_cpus: quarter, num_gpus: quarter }, { requiredKeys: [] }),
    }),
  ),
  { nil: undefined },
);
const options = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.oneof(text, fc.integer(), fc.boolean()),
  { maxKeys: 3 },
);

/** A stage of any kind, its references drawn from `ids` (cycles and dangling ones included). */
function stage(id: string, ids: string[]): fc.Arbitrary<PipelineStage> {
  const ref = fc.constantFrom(...ids, 'missing');
  const refs = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), ref, { maxKeys: 3 });
  const withDeployment = <T extends object>(a: fc.Arbitrary<T>) =>
    fc.tuple(a, deployment).map(([s, d]) => (d ? { ...s, deployment: d } : s));
  return fc.oneof(
    withDeployment(
      fc.record({ id: fc.constant(id), kind: fc.constant('ingress' as const), routes: refs }),
    ),
    withDeployment(
      fc.record(
        {
          id: fc.constant(id),
          kind: fc.constantFrom('embedding' as const, 'reranker' as const),
          model: text,
          options,
        },
        { requiredKeys: ['id', 'kind', 'model'] },
      ),
    ),
    withDeployment(
      fc.record({ id: fc.constant(id), kind: fc.constant('rag' as const), options, inputs: refs }),
    ),
    withDeployment(
      fc.record({
        id: fc.constant(id),
        kind: fc.constant('router' as const),
        options: fc.record({ field: text, default: text }, { requiredKeys: ['field'] }),
        inputs: refs,
      }),
    ),
    withDeployment(
      fc.record(
        {
          id: fc.constant(id),
          kind: fc.constant('custom' as const),
          import_path: text,
          options,
          inputs: refs,
        },
        { requiredKeys: ['id', 'kind', 'import_path'] },
      ),
    ),
    withDeployment(
      fc.record(
        {
          id: fc.constant(id),
          kind: fc.constant('llm' as const),
          llm_config: fc.record(
            {
              model_loading_config: fc.record({ model_id: text, model_source: text }),
              engine_kwargs: fc.record(
                {
                  dtype: fc.constantFrom('auto', 'bfloat16', 'float32'),
                  max_model_len: fc.integer({ min: 1, max: 1 << 17 }),
                  tensor_parallel_size: fc.integer({ min: 1, max: 8 }),
                  gpu_memory_utilization: fc.integer({ min: 1, max: 100 }).map((n) => n / 100),
                },
                { requiredKeys: [] },
              ),
              accelerator_type: fc.constantFrom('H100', 'A10G'),
              accelerator_config: fc.constant({ kind: 'cpu' as const }),
              placement_group_config: fc.constant({
                bundles: [{ GPU: 1, CPU: 2 }],
                strategy: 'PACK' as const,
              }),
            },
            { requiredKeys: ['model_loading_config'] },
          ),
          model_facts: fc.record(
            { params_b: quarter, num_hidden_layers: fc.integer({ min: 1, max: 128 }) },
            { requiredKeys: [] },
          ),
        },
        { requiredKeys: ['id', 'kind', 'llm_config'] },
      ),
    ),
  ) as fc.Arbitrary<PipelineStage>;
}

const graphs: fc.Arbitrary<PipelineGraph> = fc
  .uniqueArray(fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,10}$/), { minLength: 1, maxLength: 6 })
  .chain((ids) =>
    fc.record({
      format: fc.constant(1 as const),
      name: fc.string({ maxLength: 20 }),
      stages: fc.tuple(...ids.map((id) => stage(id, ids))),
      layout: fc.dictionary(fc.constantFrom(...ids), fc.tuple(fc.integer(), fc.integer())),
    }),
  );

describe('readBackPipeline', () => {
  it('gives back the graph compile wrote, through the YAML text (generated graphs)', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        expect(readBackPipeline(serveYamlOf(g))).toEqual(g);
        expect(readBackPipeline(serveConfigOf(g))).toEqual(g);
      }),
      { numRuns: 300 },
    );
  });

  it('gives back each example pipeline from compilePipeline, tensor parallel bundles included', () => {
    const cluster = { nodes: [{ name: 'n', gpus: 8, gpuMemoryMiB: 81559 }] };
    for (const [name, make] of Object.entries(FIXTURES))
      expect(readBackPipeline(compilePipeline(make(), { cluster }).yaml!), name).toEqual(make());
    const tp = compilePipeline(tpPipeline(2)).yaml!;
    expect(tp).toContain('STRICT_PACK');
    expect(readBackPipeline(tp)).toEqual(tpPipeline(2));
  });

  it('reads a scale made in the Serve editor (an llm deployments entry) into the stage', () => {
    const cfg = serveConfigOf(tpPipeline(1)) as {
      applications: { deployments: { name: string; num_replicas?: number }[] }[];
    };
    cfg.applications[0]!.deployments[1]!.num_replicas = 3;
    const llm = readBackPipeline(cfg).stages[1]!;
    expect(llm.deployment).toEqual({
      autoscaling_config: { min_replicas: 1, max_replicas: 1 },
      num_replicas: 3,
    });
  });

  it('reads a hand-written config as a read-only graph of its deployments, without edges', () => {
    const yaml = `applications:
  - name: app1
    route_prefix: /
    import_path: mymod:app
    deployments:
      - name: Model
        num_replicas: 2
        ray_actor_options: {num_gpus: 1}
      - name: Preprocess
`;
    const g = readBackPipeline(yaml);
    expect(g.readOnly?.reason).toMatch(/"app1" is hand-written \(import_path mymod:app\)/);
    expect(g.stages).toEqual([
      {
        id: 'Model',
        kind: 'custom',
        import_path: 'mymod:app',
        deployment: { num_replicas: 2, ray_actor_options: { num_gpus: 1 } },
      },
      { id: 'Preprocess', kind: 'custom', import_path: 'mymod:app' },
    ]);
    expect(checkPipeline(g).map((c) => c.code)).toEqual(['read-only']);
    expect(compilePipeline(g).refusal).toMatch(/did not compile/);
  });

  it('reads a Ray Serve LLM app as its ingress and one llm stage per model (known edges)', () => {
    const yaml = `applications:
  - name: llm
    route_prefix: /
    import_path: ray.serve.llm:build_openai_app
    args:
      llm_configs:
        - model_loading_config: {model_id: qwen-0.5b, model_source: Qwen/Qwen2.5-0.5B-Instruct}
          deployment_config: {autoscaling_config: {min_replicas: 1, max_replicas: 2}}
        - model_loading_config: {model_id: llama/8b}
`;
    const g = readBackPipeline(yaml);
    expect(g.readOnly).toBeDefined();
    expect(g.stages.map((s) => `${s.kind}:${s.id}`)).toEqual([
      'ingress:OpenAiIngress',
      'llm:qwen-0_5b',
      'llm:llama_8b',
    ]);
    expect(g.stages[0]).toMatchObject({
      routes: { '/v1 qwen-0.5b': 'qwen-0_5b', '/v1 llama/8b': 'llama_8b' },
    });
    expect(g.stages[1]!.deployment).toEqual({
      autoscaling_config: { min_replicas: 1, max_replicas: 2 },
    });
  });

  it("a config naming Raydeck's builder with a broken graph opens read-only, saying where", () => {
    const all = readBackPipelines({
      applications: [
        {
          name: 'p',
          import_path: 'raydeck_serve.app:build',
          args: { pipeline: { stages: [{ id: 'x', kind: 'teleport' }] } },
        },
      ],
    });
    expect(all[0]!.graph.readOnly?.reason).toMatch(
      /names Raydeck's app builder but args\.pipeline\.stages\.0/,
    );
    expect(() => readBackPipeline('just: text')).toThrow(/not a Serve config/);
    expect(() => readBackPipeline(serveConfigOf(tpPipeline(1)), 'nope')).toThrow(
      /no application "nope" \(there are: tp-llm\)/,
    );
  });
});
