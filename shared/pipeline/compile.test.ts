/** Compile: every example pipeline gives a Serve config the Serve validator accepts; errors refuse, naming the stage. */
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { validateServeYaml } from '../serve';
import { compilePipeline, serveConfigOf } from './compile';
import { FIXTURES, ragPipeline, tpPipeline } from './fixtures';
import { disconnect } from './graph';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const TWO_GPU_NODES = {
  nodes: [0, 1].map((i) => ({ name: `n${i}`, gpus: 2, gpuMemoryMiB: 81559 })),
};

describe('compilePipeline', () => {
  for (const [name, make] of Object.entries(FIXTURES))
    it(`${name}: compiles to a config the Serve validator accepts, without warnings`, () => {
      const out = compilePipeline(make(), { cluster: TWO_GPU_NODES });
      expect(out.refusal).toBeNull();
      const v = validateServeYaml(out.yaml!);
      expect(v.diagnostics.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
      expect(v.ok).toBe(true);
      const app = (parse(out.yaml!) as Json).applications[0];
      expect(app.import_path).toBe('raydeck_serve.app:build');
      expect(app.deployments.map((d: Json) => d.name)).toEqual(make().stages.map((s) => s.id));
      expect(app.args.pipeline.format).toBe(1);
      expect(app.args.pipeline.ingress).toBe('api');
      for (const s of app.args.pipeline.stages) expect(s.deployment).toBeUndefined();
    });

  it("puts a stage's Serve options in its deployments entry, an llm stage's in its llm_config", () => {
    const app = (serveConfigOf(ragPipeline()) as Json).applications[0];
    expect(app.name).toBe('rag');
    expect(app.route_prefix).toBe('/rag');
    expect(app.deployments[1]).toEqual({
      name: 'embed',
      num_replicas: 1,
      ray_actor_options: { num_cpus: 0.5 },
    });
    expect(app.deployments[3]).toEqual({ name: 'llm' });
    const llm = app.args.pipeline.stages[3];
    expect(llm.llm_config.deployment_config).toEqual({
      autoscaling_config: { min_replicas: 1, max_replicas: 1 },
      ray_actor_options: { num_cpus: 0 },
    });
    expect(llm.llm_config.placement_group_config).toBeUndefined();
    expect(app.args.pipeline.stages[4].inputs).toEqual({
      embedding: 'embed',
      reranker: 'rerank',
      llm: 'llm',
    });
  });

  it('tensor parallel 2: engine args and one {GPU: 1} bundle per worker on one node', () => {
    const out = compilePipeline(tpPipeline(2), { cluster: TWO_GPU_NODES });
    const cfg = (out.config as Json).applications[0].args.pipeline.stages[1].llm_config;
    expect(cfg.engine_kwargs.tensor_parallel_size).toBe(2);
    expect(cfg.placement_group_config).toEqual({
      bundles: [{ GPU: 1 }, { GPU: 1 }],
      strategy: 'STRICT_PACK',
    });
  });

  it('refuses tensor parallel 4 on nodes of 2 GPUs, naming the stage', () => {
    const out = compilePipeline(tpPipeline(4), { cluster: TWO_GPU_NODES });
    expect(out.yaml).toBeNull();
    expect(out.refusal).toMatch(
      /^stage "llm": llm stage "llm" needs 4 GPUs on one node.*largest node has 2/,
    );
  });

  it('refuses a graph with a check error, naming the stage', () => {
    const out = compilePipeline(disconnect(ragPipeline(), 'rag', 'reranker'));
    expect(out.config).toBeNull();
    expect(out.refusal).toMatch(/stage "rag": rag stage "rag" has no reranker input/);
  });

  it('refuses a read-only graph', () => {
    const out = compilePipeline({ ...ragPipeline(), readOnly: { reason: 'hand-written' } });
    expect(out.refusal).toMatch(/^pipeline: .*did not compile \(hand-written\)/);
  });

  it('passes Serve options through to the validator: a bad autoscaling range is refused on its stage', () => {
    const g = ragPipeline();
    const bad = {
      ...g,
      stages: g.stages.map((s) =>
        s.id === 'embed'
          ? { ...s, deployment: { autoscaling_config: { min_replicas: 3, max_replicas: 2 } } }
          : s,
      ),
    };
    const out = compilePipeline(bad);
    expect(out.refusal).toMatch(
      /stage "embed": embedding stage "embed", deployment\.autoscaling_config/,
    );
  });
});
