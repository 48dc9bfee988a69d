/**
 * A stage's Serve parts checked by the Serve validator's own rules (shared/serve), as you draw:
 * an llm stage's LLMConfig as a `ray.serve.llm:build_openai_app` model would be (LLMConfig's keys,
 * vLLM 0.29.0's engine argument names, accelerator types; its deployment options as
 * deployment_config), any other stage's deployment options as its `deployments:` entry (replicas
 * vs autoscaling, min <= max, ray_actor_options). The app builder hands both to Ray unchanged, so
 * a typo would otherwise fail on the cluster minutes after the deploy.
 */
import { formatConfigPath, validateServeConfig, type ServeDiagnostic } from '../serve';
import type { LlmStage, PipelineCheck, PipelineStage } from './graph';

function toChecks(
  stage: PipelineStage,
  diagnostics: ServeDiagnostic[],
  base: readonly (string | number)[],
  label: string,
): PipelineCheck[] {
  return diagnostics
    .filter((d) => base.every((k, i) => d.path[i] === k))
    .map((d) => {
      const rest = formatConfigPath(d.path.slice(base.length));
      return {
        stageId: stage.id,
        severity: d.severity === 'error' ? ('error' as const) : ('warning' as const),
        code: `${label === 'llm_config' ? 'llm-config' : 'deployment'}-${d.code}`,
        message: `${stage.kind} stage "${stage.id}", ${label}${rest ? `.${rest}` : ''}: ${d.message}`,
        fix: d.fix ?? 'correct the value',
      };
    });
}

export function checkLlmConfig(stage: LlmStage): PipelineCheck[] {
  const base = ['applications', 0, 'args', 'llm_configs', 0] as const;
  const llmConfig = stage.deployment
    ? { ...stage.llm_config, deployment_config: stage.deployment }
    : stage.llm_config;
  const { diagnostics } = validateServeConfig({
    applications: [
      {
        name: 'stage',
        route_prefix: '/stage',
        import_path: 'ray.serve.llm:build_openai_app',
        args: { llm_configs: [llmConfig] },
      },
    ],
  });
  return toChecks(stage, diagnostics, base, 'llm_config');
}

/** A non-llm stage's deployment options as its Serve `deployments:` entry. */
export function checkDeploymentOptions(stage: PipelineStage): PipelineCheck[] {
  if (stage.kind === 'llm' || !stage.deployment) return [];
  const base = ['applications', 0, 'deployments', 0] as const;
  const { diagnostics } = validateServeConfig({
    applications: [
      {
        name: 'stage',
        route_prefix: '/stage',
        import_path: 'raydeck_serve.app:build',
        deployments: [{ name: stage.id, ...stage.deployment }],
      },
    ],
  });
  return toChecks(stage, diagnostics, base, 'deployment');
}
