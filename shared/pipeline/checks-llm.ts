/**
 * An llm stage's LLMConfig checked by the Serve validator's own Ray Serve LLM rules (shared/serve:
 * LLMConfig's keys, vLLM 0.29.0's engine argument names, accelerator types), as if it were a
 * `ray.serve.llm:build_openai_app` model: the app builder hands it to Ray Serve LLM unchanged, so a
 * typo in engine_kwargs would otherwise fail on the cluster minutes after the deploy.
 */
import { formatConfigPath, validateServeConfig } from '../serve';
import type { LlmStage, PipelineCheck } from './graph';

export function checkLlmConfig(stage: LlmStage): PipelineCheck[] {
  const base = ['applications', 0, 'args', 'llm_configs', 0] as const;
  const { diagnostics } = validateServeConfig({
    applications: [
      {
        name: 'stage',
        route_prefix: '/stage',
        import_path: 'ray.serve.llm:build_openai_app',
        args: { llm_configs: [stage.llm_config] },
      },
    ],
  });
  return diagnostics
    .filter((d) => base.every((k, i) => d.path[i] === k))
    .map((d) => ({
      stageId: stage.id,
      severity: d.severity === 'error' ? 'error' : 'warning',
      code: `llm-config-${d.code}`,
      message: `llm stage "${stage.id}", llm_config.${formatConfigPath(d.path.slice(base.length))}: ${d.message}`,
      fix: d.fix ?? 'correct the value',
    }));
}
