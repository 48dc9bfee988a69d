/**
 * Read-back: the examples and a scaled config give their graphs; hand-written configs give
 * read-only graphs. The property over generated graphs: core/pipeline/read-back.property.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { checkPipeline } from './checks';
import { compilePipeline, serveConfigOf } from './compile';
import { FIXTURES, tpPipeline } from './fixtures';
import { readBackPipeline, readBackPipelines } from './read-back';

describe('readBackPipeline', () => {
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
