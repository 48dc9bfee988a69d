/**
 * One test per refusal class of the Serve validator: each feeds the smallest config that shows
 * it and checks the class, the field path named, and (where there is one) the suggestion.
 */
import { describe, expect, it } from 'vitest';
import { formatConfigPath, type ServeDiagnostic } from './diagnostics';
import { validateServeConfig } from './validate';

const app = (extra: Record<string, unknown> = {}) => ({
  name: 'a',
  route_prefix: '/a',
  import_path: 'pkg.mod:app',
  ...extra,
});
const dep = (extra: Record<string, unknown> = {}) => ({ name: 'D', ...extra });
const withDep = (d: Record<string, unknown>) => ({
  applications: [app({ deployments: [dep(d)] })],
});
const llm = (config: Record<string, unknown>, appExtra: Record<string, unknown> = {}) => ({
  applications: [
    app({
      import_path: 'ray.serve.llm:build_openai_app',
      args: { llm_configs: [{ model_loading_config: { model_id: 'm' }, ...config }] },
      ...appExtra,
    }),
  ],
});

function only(
  value: unknown,
  cluster?: { gpus?: number; dashboardHost?: string },
): ServeDiagnostic[] {
  return validateServeConfig(value, cluster ? { cluster } : {}).diagnostics;
}
/** The one diagnostic of `code`, with its path as text. */
function find(value: unknown, code: ServeDiagnostic['code'], cluster?: { gpus?: number }) {
  const ds = only(value, cluster).filter((d) => d.code === code);
  expect(ds.map((d) => `${d.code} ${formatConfigPath(d.path)}`)).toHaveLength(1);
  return { ...ds[0]!, at: formatConfigPath(ds[0]!.path) };
}

describe('validateServeConfig accepts', () => {
  it('a plain multi-app config and an LLM app, with no finding at all', () => {
    const r = validateServeConfig({
      proxy_location: 'HeadOnly',
      http_options: { host: '127.0.0.1', port: 8000 },
      logging_config: { log_level: 'INFO', encoding: 'JSON' },
      applications: [
        app({
          deployments: [
            dep({
              num_replicas: 'auto',
              autoscaling_config: { max_replicas: 4 },
              ray_actor_options: { num_cpus: 1, num_gpus: 1 },
            }),
          ],
        }),
        {
          name: 'llm',
          route_prefix: '/',
          import_path: 'ray.serve.llm:build_openai_app',
          args: {
            llm_configs: [
              {
                model_loading_config: { model_id: 'q', model_source: '/models/q' },
                engine_kwargs: { max_model_len: 2048, dtype: 'bfloat16', tensor_parallel_size: 1 },
                deployment_config: { autoscaling_config: { min_replicas: 1, max_replicas: 2 } },
              },
            ],
          },
        },
      ],
    });
    expect(r.diagnostics).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.config?.applications).toHaveLength(2);
  });
});

describe('validateServeConfig refuses, naming the field', () => {
  it('required: applications missing, import_path missing', () => {
    expect(find({}, 'required').at).toBe('applications');
    expect(find({ applications: [{ name: 'x' }] }, 'required').at).toBe(
      'applications[0].import_path',
    );
  });
  it('type: a string where a number goes', () => {
    expect(find(withDep({ max_ongoing_requests: 'ten' }), 'type').at).toBe(
      'applications[0].deployments[0].max_ongoing_requests',
    );
  });
  it('range: negative resources, zero max_ongoing_requests, bad max_queued_requests, target_capacity', () => {
    expect(find(withDep({ ray_actor_options: { num_gpus: -1 } }), 'range').at).toBe(
      'applications[0].deployments[0].ray_actor_options.num_gpus',
    );
    expect(find(withDep({ ray_actor_options: { resources: { accel: -2 } } }), 'range').at).toBe(
      'applications[0].deployments[0].ray_actor_options.resources.accel',
    );
    expect(find(withDep({ max_ongoing_requests: 0 }), 'range').at).toBe(
      'applications[0].deployments[0].max_ongoing_requests',
    );
    expect(find(withDep({ max_queued_requests: 0 }), 'range').at).toBe(
      'applications[0].deployments[0].max_queued_requests',
    );
    expect(find({ target_capacity: 101, applications: [app()] }, 'range').at).toBe(
      'target_capacity',
    );
  });
  it('enum: proxy_location, log_level, placement_group_strategy', () => {
    expect(find({ proxy_location: 'Everywhere', applications: [app()] }, 'enum').at).toBe(
      'proxy_location',
    );
    expect(find({ logging_config: { log_level: 'LOUD' }, applications: [app()] }, 'enum').at).toBe(
      'logging_config.log_level',
    );
    expect(
      find(
        withDep({ placement_group_bundles: [{ CPU: 1 }], placement_group_strategy: 'PACKED' }),
        'enum',
      ).at,
    ).toBe('applications[0].deployments[0].placement_group_strategy');
  });
  it('replicas-conflict: num_replicas with autoscaling_config', () => {
    expect(
      find(
        withDep({ num_replicas: 2, autoscaling_config: { max_replicas: 3 } }),
        'replicas-conflict',
      ).at,
    ).toBe('applications[0].deployments[0].num_replicas');
  });
  it('replicas-order: min > max, initial outside, and the default max of 1', () => {
    expect(
      find(withDep({ autoscaling_config: { min_replicas: 3, max_replicas: 2 } }), 'replicas-order')
        .at,
    ).toBe('applications[0].deployments[0].autoscaling_config.max_replicas');
    expect(
      find(
        withDep({ autoscaling_config: { min_replicas: 1, max_replicas: 4, initial_replicas: 5 } }),
        'replicas-order',
      ).at,
    ).toBe('applications[0].deployments[0].autoscaling_config.initial_replicas');
    const d = find(withDep({ autoscaling_config: { min_replicas: 2 } }), 'replicas-order');
    expect(d.message).toContain('the default');
    // num_replicas: auto raises the default max to 100
    expect(
      only(withDep({ num_replicas: 'auto', autoscaling_config: { min_replicas: 2 } })),
    ).toEqual([]);
  });
  it('route-prefix: no leading "/", trailing "/", braces', () => {
    expect(find({ applications: [app({ route_prefix: 'api' })] }, 'route-prefix')).toMatchObject({
      at: 'applications[0].route_prefix',
      fix: 'write "/api"',
    });
    expect(find({ applications: [app({ route_prefix: '/api/' })] }, 'route-prefix').at).toBe(
      'applications[0].route_prefix',
    );
    expect(find({ applications: [app({ route_prefix: '/{x}' })] }, 'route-prefix').at).toBe(
      'applications[0].route_prefix',
    );
    expect(only({ applications: [app({ route_prefix: null })] })).toEqual([]);
  });
  it('duplicate-app-name and duplicate-route-prefix, defaults counted', () => {
    expect(
      find({ applications: [app(), app({ route_prefix: '/b' })] }, 'duplicate-app-name').at,
    ).toBe('applications[1].name');
    expect(
      find(
        { applications: [app({ route_prefix: '/x' }), app({ name: 'b', route_prefix: '/x' })] },
        'duplicate-route-prefix',
      ).at,
    ).toBe('applications[1].route_prefix');
    // two apps without name or prefix: both "default" at "/"
    const ds = only({ applications: [{ import_path: 'a.b' }, { import_path: 'c.d' }] }).map(
      (d) => d.code,
    );
    expect(ds).toEqual(['duplicate-app-name', 'duplicate-route-prefix']);
    expect(find({ applications: [app({ name: '' })] }, 'required').at).toBe('applications[0].name');
  });
  it('duplicate-deployment-name within an application', () => {
    expect(
      find({ applications: [app({ deployments: [dep(), dep()] })] }, 'duplicate-deployment-name')
        .at,
    ).toBe('applications[0].deployments[1].name');
  });
  it('import-path: no separator, two colons, trailing dot, bad module name', () => {
    for (const bad of ['app', 'a:b:c', 'pkg.', 'my-pkg:app', ':app']) {
      expect(find({ applications: [app({ import_path: bad })] }, 'import-path').at).toBe(
        'applications[0].import_path',
      );
    }
    for (const good of [
      'pkg.mod:app',
      'pkg.mod.app',
      'mod:app',
      'mod:App.build',
      'ray.serve.llm:build_pd_openai_app',
    ])
      expect(only({ applications: [app({ import_path: good })] })).toEqual([]);
    // Ray Serve LLM's own builders are known
    expect(
      find({ applications: [app({ import_path: 'ray.serve.llm:build_openai_ap' })] }, 'import-path')
        .message,
    ).toContain('not an app builder of Ray 2.60');
    expect(
      find(
        {
          applications: [
            app({
              import_path: 'ray.llm._internal.serve.builders.application_builders:build_openai_app',
            }),
          ],
        },
        'import-path',
      ).at,
    ).toBe('applications[0].import_path');
  });
  it('runtime-env-uri: a local working_dir, an unknown protocol, a local:// archive', () => {
    expect(
      find({ applications: [app({ runtime_env: { working_dir: './code' } })] }, 'runtime-env-uri')
        .at,
    ).toBe('applications[0].runtime_env.working_dir');
    expect(
      find(
        { applications: [app({ runtime_env: { py_modules: ['s3://b/m.zip', 'ftp://x/y.zip'] } })] },
        'runtime-env-uri',
      ).at,
    ).toBe('applications[0].runtime_env.py_modules[1]');
    expect(
      find(
        withDep({ ray_actor_options: { runtime_env: { working_dir: 'local:///opt/app.zip' } } }),
        'runtime-env-uri',
      ).at,
    ).toBe('applications[0].deployments[0].ray_actor_options.runtime_env.working_dir');
    expect(
      only({
        applications: [app({ runtime_env: { working_dir: 'https://x/y.zip', pip: ['torch'] } })],
      }),
    ).toEqual([]);
  });
  it('placement-group: empty bundles, zero bundle, replica bigger than the first bundle, strategy alone, max_replicas_per_node', () => {
    expect(find(withDep({ placement_group_bundles: [] }), 'placement-group').at).toBe(
      'applications[0].deployments[0].placement_group_bundles',
    );
    expect(find(withDep({ placement_group_bundles: [{ CPU: 0 }] }), 'placement-group').at).toBe(
      'applications[0].deployments[0].placement_group_bundles[0]',
    );
    expect(
      find(
        withDep({ placement_group_bundles: [{ CPU: 1 }], ray_actor_options: { num_gpus: 1 } }),
        'placement-group',
      ).at,
    ).toBe('applications[0].deployments[0].ray_actor_options.num_gpus');
    expect(find(withDep({ placement_group_strategy: 'SPREAD' }), 'placement-group').at).toBe(
      'applications[0].deployments[0].placement_group_strategy',
    );
    expect(
      find(
        withDep({ placement_group_bundles: [{ CPU: 1 }], max_replicas_per_node: 2 }),
        'placement-group',
      ).at,
    ).toBe('applications[0].deployments[0].max_replicas_per_node');
  });
  it('gang-scheduling: num_replicas not a multiple of gang_size', () => {
    expect(
      find(
        withDep({ num_replicas: 3, gang_scheduling_config: { gang_size: 2 } }),
        'gang-scheduling',
      ).at,
    ).toBe('applications[0].deployments[0].num_replicas');
  });
  it('external-scaler: autoscaling in an externally scaled app', () => {
    const cfg = {
      applications: [
        app({ external_scaler_enabled: true, deployments: [dep({ num_replicas: 'auto' })] }),
      ],
    };
    expect(find(cfg, 'external-scaler').at).toBe('applications[0].deployments[0].num_replicas');
  });
  it('label-selector: an invalid label key', () => {
    expect(
      find(withDep({ ray_actor_options: { label_selector: { '-bad': 'x' } } }), 'label-selector')
        .at,
    ).toBe('applications[0].deployments[0].ray_actor_options.label_selector');
  });
});

describe('keys Ray drops or refuses are named, with the likely intent', () => {
  it('unknown-key with the nearest known key (a typo in ray_actor_options is dropped by Ray)', () => {
    const d = find(withDep({ ray_actor_options: { num_gpu: 1 } }), 'unknown-key');
    expect(d).toMatchObject({
      at: 'applications[0].deployments[0].ray_actor_options.num_gpu',
      suggestion: 'num_gpus',
    });
    expect(d.message).toContain('drops it without a word');
  });
  it('unknown-key in a block Ray refuses (logging_config forbids extras)', () => {
    const d = find({ logging_config: { loglevel: 'INFO' }, applications: [app()] }, 'unknown-key');
    expect(d).toMatchObject({ at: 'logging_config.loglevel', suggestion: 'log_level' });
    expect(d.message).toContain('refuses');
  });
  it('renamed-key: max_concurrent_queries, target_num_ongoing_requests_per_replica', () => {
    expect(find(withDep({ max_concurrent_queries: 5 }), 'renamed-key')).toMatchObject({
      at: 'applications[0].deployments[0].max_concurrent_queries',
      suggestion: 'max_ongoing_requests',
    });
    expect(
      find(
        withDep({ autoscaling_config: { target_num_ongoing_requests_per_replica: 3 } }),
        'renamed-key',
      ),
    ).toMatchObject({
      at: 'applications[0].deployments[0].autoscaling_config.target_num_ongoing_requests_per_replica',
      suggestion: 'target_ongoing_requests',
    });
    // The old name one level up, on the deployment: both the level and the name are named.
    const up = find(withDep({ target_num_ongoing_requests_per_replica: 3 }), 'renamed-key');
    expect(up).toMatchObject({
      at: 'applications[0].deployments[0].target_num_ongoing_requests_per_replica',
      suggestion: 'autoscaling_config.target_ongoing_requests',
      fix: 'write autoscaling_config.target_ongoing_requests instead',
    });
  });
  it('wrong-level: top-level host/port, per-app port, num_gpus on the deployment, min_replicas on the deployment', () => {
    const top = only({ host: '0.0.0.0', port: 8000, applications: [app()] });
    expect(top.map((d) => [d.code, formatConfigPath(d.path), d.suggestion])).toEqual([
      ['wrong-level', 'host', 'http_options.host'],
      ['wrong-level', 'port', 'http_options.port'],
    ]);
    expect(find({ applications: [app({ port: 9000 })] }, 'wrong-level')).toMatchObject({
      at: 'applications[0].port',
      suggestion: 'http_options.port',
    });
    expect(find(withDep({ num_gpus: 1 }), 'wrong-level')).toMatchObject({
      at: 'applications[0].deployments[0].num_gpus',
      suggestion: 'ray_actor_options.num_gpus',
    });
    expect(find(withDep({ min_replicas: 1 }), 'wrong-level')).toMatchObject({
      at: 'applications[0].deployments[0].min_replicas',
      suggestion: 'autoscaling_config.min_replicas',
    });
  });
  it('the old single-application format: import_path at the top', () => {
    const ds = only({ import_path: 'a.b', deployments: [] });
    expect(ds.map((d) => `${d.code} ${formatConfigPath(d.path)}`)).toEqual([
      'wrong-level import_path',
      'wrong-level deployments',
      'required applications',
    ]);
  });
});

describe('Ray Serve LLM args', () => {
  it('engine-kwarg: a name vLLM 0.29 does not have, with the nearest one', () => {
    expect(find(llm({ engine_kwargs: { max_model_length: 4096 } }), 'engine-kwarg')).toMatchObject({
      at: 'applications[0].args.llm_configs[0].engine_kwargs.max_model_length',
      suggestion: 'max_model_len',
    });
    expect(
      find(llm({ engine_kwargs: { 'gpu-memory-utilization': 0.8 } }), 'engine-kwarg').suggestion,
    ).toBe('gpu_memory_utilization');
  });
  it("engine_kwargs: the private fields Ray's dataclasses.fields(AsyncEngineArgs) lists pass", () => {
    const ds = only(llm({ engine_kwargs: { _api_process_count: 2, _api_process_rank: 0 } }));
    expect(ds.filter((d) => d.code === 'engine-kwarg')).toEqual([]);
    expect(
      find(llm({ engine_kwargs: { _api_process_counts: 2 } }), 'engine-kwarg').suggestion,
    ).toBe('_api_process_count');
  });
  it('engine-kwarg: model and served_model_name are refused, dtype fp8 is not a dtype', () => {
    expect(find(llm({ engine_kwargs: { model: 'x' } }), 'engine-kwarg').at).toBe(
      'applications[0].args.llm_configs[0].engine_kwargs.model',
    );
    expect(find(llm({ engine_kwargs: { dtype: 'fp8' } }), 'engine-kwarg').fix).toContain(
      'quantization',
    );
  });
  it('type: an engine argument of the wrong type for vLLM 0.29 (conservative: lax coercions pass)', () => {
    expect(find(llm({ engine_kwargs: { max_model_len: '4k' } }), 'type').at).toBe(
      'applications[0].args.llm_configs[0].engine_kwargs.max_model_len',
    );
    expect(find(llm({ engine_kwargs: { enforce_eager: { on: true } } }), 'type').at).toBe(
      'applications[0].args.llm_configs[0].engine_kwargs.enforce_eager',
    );
    expect(
      only(
        llm({
          engine_kwargs: {
            max_model_len: '4096',
            enforce_eager: 'true',
            gpu_memory_utilization: 0.8,
            max_num_seqs: null,
          },
        }),
      ),
    ).toEqual([]);
  });
  it('renamed-key: a vLLM argument renamed before 0.29', () => {
    expect(
      find(llm({ engine_kwargs: { disable_log_requests: true } }), 'renamed-key'),
    ).toMatchObject({ suggestion: 'enable_log_requests' });
  });
  it('frontend arguments of vLLM are accepted in engine_kwargs, as Ray does', () => {
    expect(
      only(
        llm({
          engine_kwargs: {
            chat_template: '/t.jinja',
            enable_auto_tool_choice: true,
            tool_call_parser: 'hermes',
          },
        }),
      ),
    ).toEqual([]);
  });
  it('wrong-level: an engine argument beside engine_kwargs; unknown key in LLMConfig', () => {
    expect(find(llm({ tensor_parallel_size: 2 }), 'wrong-level')).toMatchObject({
      at: 'applications[0].args.llm_configs[0].tensor_parallel_size',
      suggestion: 'engine_kwargs.tensor_parallel_size',
    });
    expect(find(llm({ model_id: 'm' }), 'wrong-level')).toMatchObject({
      suggestion: 'model_loading_config.model_id',
    });
  });
  it('llm-config: duplicate model ids, disable_log_stats with metrics on', () => {
    const two = {
      applications: [
        app({
          import_path: 'ray.serve.llm:build_openai_app',
          args: {
            llm_configs: [
              { model_loading_config: { model_id: 'm' } },
              { model_loading_config: { model_id: 'm' } },
            ],
          },
        }),
      ],
    };
    expect(find(two, 'llm-config').at).toBe(
      'applications[0].args.llm_configs[1].model_loading_config.model_id',
    );
    expect(find(llm({ engine_kwargs: { disable_log_stats: true } }), 'llm-config').at).toBe(
      'applications[0].args.llm_configs[0].engine_kwargs.disable_log_stats',
    );
  });
  it('deployment_config is checked like a deployment', () => {
    expect(
      find(
        llm({ deployment_config: { num_replicas: 2, autoscaling_config: { max_replicas: 2 } } }),
        'replicas-conflict',
      ).at,
    ).toBe('applications[0].args.llm_configs[0].deployment_config.num_replicas');
    expect(find(llm({ deployment_config: { max_concurrent_queries: 2 } }), 'renamed-key').at).toBe(
      'applications[0].args.llm_configs[0].deployment_config.max_concurrent_queries',
    );
  });
  it('enum: an accelerator type Ray does not know', () => {
    expect(find(llm({ accelerator_type: 'H10' }), 'enum')).toMatchObject({
      at: 'applications[0].args.llm_configs[0].accelerator_type',
      suggestion: 'H100',
    });
  });
});

describe('warnings apart from errors', () => {
  it('fractional-gpu-vllm: an LLM replica on half a GPU', () => {
    const d = find(
      llm({ placement_group_config: { bundle_per_worker: { GPU: 0.5 } } }),
      'fractional-gpu-vllm',
    );
    expect(d).toMatchObject({
      severity: 'warning',
      at: 'applications[0].args.llm_configs[0].placement_group_config.bundle_per_worker.GPU',
    });
    expect(
      validateServeConfig(llm({ placement_group_config: { bundle_per_worker: { GPU: 0.5 } } })).ok,
    ).toBe(true);
  });
  it('gpu-oversubscribed: more GPUs than the cluster has, only when the cluster is known', () => {
    const cfg = withDep({ num_replicas: 3, ray_actor_options: { num_gpus: 1 } });
    expect(find(cfg, 'gpu-oversubscribed', { gpus: 2 })).toMatchObject({
      severity: 'warning',
      at: 'applications[0].deployments[0]',
    });
    expect(only(cfg, { gpus: 3 })).toEqual([]);
    expect(only(cfg)).toEqual([]);
  });
  it('no-applications: an empty list would delete every application', () => {
    const r = validateServeConfig({ applications: [] });
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => [d.severity, d.code, formatConfigPath(d.path)])).toEqual([
      ['warning', 'no-applications', 'applications'],
    ]);
  });
  it('public-bind: a dashboard on 0.0.0.0', () => {
    expect(
      only({ applications: [app()] }, { dashboardHost: '0.0.0.0' }).map((d) => [
        d.severity,
        d.code,
      ]),
    ).toEqual([['warning', 'public-bind']]);
  });
  it('deprecated-key: autoscaling keys Ray still takes are warnings, not errors', () => {
    const r = validateServeConfig(
      withDep({ autoscaling_config: { smoothing_factor: 0.5, metrics_interval_s: 10 } }),
    );
    expect(r.ok).toBe(true);
    expect(r.diagnostics.map((d) => [d.severity, d.code, formatConfigPath(d.path)])).toEqual([
      [
        'warning',
        'deprecated-key',
        'applications[0].deployments[0].autoscaling_config.metrics_interval_s',
      ],
      [
        'warning',
        'deprecated-key',
        'applications[0].deployments[0].autoscaling_config.smoothing_factor',
      ],
    ]);
  });
});
