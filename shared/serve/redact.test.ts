/** runtime_env.env_vars values redacted at any depth, keys kept; nothing else touched. */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from './redact';

describe('redactSecrets', () => {
  it('redacts env_vars under any runtime_env (app, ray_actor_options, llm_configs), keeps keys and the rest', () => {
    const app = {
      import_path: 'ray.serve.llm:build_openai_app',
      runtime_env: { env_vars: { HF_TOKEN: 'hf_secret' }, pip: ['x'] },
      deployments: [{ name: 'D', ray_actor_options: { runtime_env: { env_vars: { A: '1' } } } }],
      args: {
        llm_configs: [
          {
            runtime_env: { env_vars: { VLLM_CPU_KVCACHE_SPACE: '1' } },
            engine_kwargs: { env_vars: 'not a runtime_env' },
          },
        ],
      },
    };
    expect(redactSecrets(app)).toEqual({
      import_path: 'ray.serve.llm:build_openai_app',
      runtime_env: { env_vars: { HF_TOKEN: REDACTED }, pip: ['x'] },
      deployments: [
        { name: 'D', ray_actor_options: { runtime_env: { env_vars: { A: REDACTED } } } },
      ],
      args: {
        llm_configs: [
          {
            runtime_env: { env_vars: { VLLM_CPU_KVCACHE_SPACE: REDACTED } },
            engine_kwargs: { env_vars: 'not a runtime_env' },
          },
        ],
      },
    });
    expect(JSON.stringify(redactSecrets(app))).not.toMatch(/hf_secret/);
  });

  it('a diff value at a path inside env_vars (one variable changed)', () => {
    expect(redactSecrets('hf_new', ['runtime_env', 'env_vars', 'HF_TOKEN'])).toBe(REDACTED);
    expect(redactSecrets(undefined, ['runtime_env', 'env_vars', 'HF_TOKEN'])).toBeUndefined();
    expect(
      redactSecrets({ HF_TOKEN: 'x' }, ['ray_actor_options', 'runtime_env', 'env_vars']),
    ).toEqual({ HF_TOKEN: REDACTED });
  });
});
