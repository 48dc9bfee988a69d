/**
 * Read-back's property (issue 17): for any graph, reading back what compile writes — the parsed
 * config and its YAML text — gives the same graph. Generated graphs of every stage kind, with
 * cycles and dangling references (serveConfigOf does not check), YAML-hostile strings, Serve
 * options and layouts. Here and not in shared/ because shared/ may import only zod and yaml.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  readBackPipeline,
  serveConfigOf,
  serveYamlOf,
  type DeploymentOptions,
  type PipelineGraph,
  type PipelineStage,
} from '../../shared';

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

describe('readBackPipeline (property)', () => {
  it('gives back the graph compile wrote, through the YAML text (generated graphs)', () => {
    fc.assert(
      fc.property(graphs, (g) => {
        expect(readBackPipeline(serveYamlOf(g))).toEqual(g);
        expect(readBackPipeline(serveConfigOf(g))).toEqual(g);
      }),
      { numRuns: 300 },
    );
  });
});
