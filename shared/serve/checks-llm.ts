/**
 * Checks of a Ray Serve LLM application's `args` (build_openai_app's LLMServingArgs in Ray 2.60),
 * which Ray itself checks only when the builder runs on the cluster: engine_kwargs against
 * vLLM 0.29.0's own argument names (engine-args.ts), the keys Ray Serve LLM refuses there
 * (`model`, `served_model_name`), vLLM value rules that fail at engine start (dtype,
 * gpu_memory_utilization), unique model ids, placement_group_config's either/or, supported
 * accelerator types, and each deployment_config like a deployment.
 */
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { checkDeployment } from './checks-deployment';
import { nearest } from './edit-distance';
import {
  VLLM_DTYPES,
  VLLM_ENGINE_ARG_FIELDS,
  VLLM_ENGINE_ARGS,
  VLLM_RENAMED_ARGS,
  VLLM_VERSION,
} from './engine-args';
import { isPlainObject } from './key-catalog';
import { ACCELERATOR_TYPES } from './schema-llm';

const FIELD_TYPES = new Map(VLLM_ENGINE_ARG_FIELDS.map((f) => [f.name, f.type]));
const BOOL_WORDS = ['true', 'false', 'yes', 'no', 'on', 'off', '1', '0', 't', 'f', 'y', 'n'];

/**
 * Why `value` cannot be vLLM's `type` (as declared in vLLM's source), or null. Conservative: vLLM
 * hands most arguments to pydantic configs in lax mode, so only what no coercion turns into the
 * type is refused (a mapping for a number, "4k" for an int, a value outside a Literal).
 */
export function engineArgTypeProblem(type: string, value: unknown): string | null {
  const optional = / \| None$/.test(type);
  const base = type.replace(/ \| None$/, '');
  if (value === null)
    return optional ? null : `must not be null (vLLM ${VLLM_VERSION} declares ${type})`;
  const isObj = typeof value === 'object';
  const numeric =
    typeof value === 'number' ||
    (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));
  switch (base) {
    case 'bool':
      if (
        typeof value === 'boolean' ||
        value === 0 ||
        value === 1 ||
        (typeof value === 'string' && BOOL_WORDS.includes(value.toLowerCase()))
      )
        return null;
      return `must be true or false, not ${JSON.stringify(value)}`;
    case 'int':
      if (numeric && Number.isInteger(Number(value))) return null;
      return `must be a whole number, not ${JSON.stringify(value)}`;
    case 'float':
      if (numeric || typeof value === 'boolean') return null;
      return `must be a number, not ${JSON.stringify(value)}`;
    case 'str':
      return isObj
        ? `must be a string, not ${Array.isArray(value) ? 'a list' : 'a mapping'}`
        : null;
    default: {
      const literal = /^Literal\[(.*)\]$/.exec(base);
      if (!literal) return null;
      const allowed = [...literal[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!);
      return typeof value === 'string' && allowed.includes(value)
        ? null
        : `must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`;
    }
  }
}

export function checkLlmArgs(args: unknown, path: ConfigPath): ServeDiagnostic[] {
  if (!isPlainObject(args)) return [];
  const out: ServeDiagnostic[] = [];
  const err = (
    code: ServeDiagnostic['code'],
    at: ConfigPath,
    message: string,
    fix: string,
    suggestion?: string,
  ) =>
    out.push({
      severity: 'error',
      code,
      path: [...path, ...at],
      message,
      fix,
      ...(suggestion ? { suggestion } : {}),
    });

  const configs = Array.isArray(args.llm_configs) ? args.llm_configs : null;
  if (configs && configs.length === 0)
    err(
      'llm-config',
      ['llm_configs'],
      'llm_configs is empty; Ray Serve LLM refuses an app without models',
      'add at least one llm_configs entry',
    );
  const ids = new Map<string, number>();
  configs?.forEach((c, i) => {
    if (!isPlainObject(c)) return;
    const at = (...p: ConfigPath): ConfigPath => ['llm_configs', i, ...p];
    const loading = isPlainObject(c.model_loading_config) ? c.model_loading_config : null;
    if (loading && typeof loading.model_id === 'string') {
      if (ids.has(loading.model_id))
        err(
          'llm-config',
          at('model_loading_config', 'model_id'),
          `model_id "${loading.model_id}" is also used by llm_configs[${ids.get(loading.model_id)}]; Ray Serve LLM refuses duplicate model ids`,
          'give each model its own model_id',
        );
      else ids.set(loading.model_id, i);
    }

    const kwargs = isPlainObject(c.engine_kwargs) ? c.engine_kwargs : {};
    for (const [key, value] of Object.entries(kwargs)) {
      const kat = at('engine_kwargs', key);
      if (key === 'model' || key === 'served_model_name') {
        err(
          'engine-kwarg',
          kat,
          `Ray Serve LLM refuses "${key}" in engine_kwargs`,
          `remove it and set model_loading_config.${key === 'model' ? 'model_source' : 'model_id'} instead`,
          `model_loading_config.${key === 'model' ? 'model_source' : 'model_id'}`,
        );
        continue;
      }
      if (!VLLM_ENGINE_ARGS.has(key)) {
        const renamed = VLLM_RENAMED_ARGS[key];
        const near = renamed?.to ?? nearest(key, VLLM_ENGINE_ARGS);
        err(
          renamed ? 'renamed-key' : 'engine-kwarg',
          kat,
          `"${key}" is not an engine argument of vLLM ${VLLM_VERSION}${renamed ? ` (${renamed.note})` : ''}; Ray Serve LLM refuses it on the cluster ("Unknown engine argument")`,
          near
            ? `write ${near} instead`
            : 'remove it (see `vllm serve --help` for vLLM ' + VLLM_VERSION + ')',
          near,
        );
        continue;
      }
      const typeProblem =
        key === 'dtype' ? null : engineArgTypeProblem(FIELD_TYPES.get(key) ?? '', value);
      if (typeProblem)
        err(
          'type',
          kat,
          `engine_kwargs.${key} ${typeProblem}; vLLM fails at engine start`,
          `give ${key} a value of type ${FIELD_TYPES.get(key)}`,
        );
      if (
        key === 'dtype' &&
        typeof value === 'string' &&
        !(VLLM_DTYPES as readonly string[]).includes(value)
      ) {
        err(
          'engine-kwarg',
          kat,
          `dtype "${value}" is not one of ${VLLM_DTYPES.join(', ')}; vLLM fails at engine start`,
          value.startsWith('fp8')
            ? 'fp8 belongs in quantization: fp8 (weights) or kv_cache_dtype: fp8 (KV cache)'
            : 'use one of the listed dtypes',
        );
      }
      if (
        key === 'gpu_memory_utilization' &&
        (typeof value !== 'number' || value <= 0 || value > 1)
      ) {
        err(
          'range',
          kat,
          `gpu_memory_utilization is ${JSON.stringify(value)}; vLLM wants a fraction in (0, 1]`,
          'e.g. 0.9',
        );
      }
      if (
        (key === 'tensor_parallel_size' || key === 'pipeline_parallel_size') &&
        (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      ) {
        err(
          'range',
          kat,
          `${key} is ${JSON.stringify(value)}; vLLM wants a whole number >= 1`,
          'e.g. 1, 2, 4, 8',
        );
      }
    }
    if (kwargs.disable_log_stats === true && c.log_engine_metrics !== false) {
      err(
        'llm-config',
        at('engine_kwargs', 'disable_log_stats'),
        'disable_log_stats is true while log_engine_metrics is on (the default); Ray Serve LLM refuses both together',
        'remove disable_log_stats, or set log_engine_metrics: false',
      );
    }

    if (
      typeof c.accelerator_type === 'string' &&
      c.accelerator_type !== 'A10' &&
      !(ACCELERATOR_TYPES as readonly string[]).includes(c.accelerator_type)
    ) {
      const near = nearest(c.accelerator_type, ACCELERATOR_TYPES);
      err(
        'enum',
        at('accelerator_type'),
        `accelerator_type "${c.accelerator_type}" is not one Ray 2.60 knows; Ray Serve LLM refuses it`,
        near
          ? `did you mean "${near}"?`
          : `use one of ${ACCELERATOR_TYPES.slice(0, 12).join(', ')}, ...`,
        near,
      );
    }

    const pg = isPlainObject(c.placement_group_config) ? c.placement_group_config : null;
    if (pg) {
      const per = pg.bundle_per_worker !== undefined && pg.bundle_per_worker !== null;
      const list = pg.bundles !== undefined && pg.bundles !== null;
      if (per && list)
        err(
          'placement-group',
          at('placement_group_config'),
          'placement_group_config has both bundle_per_worker and bundles; Ray Serve LLM refuses both together',
          'keep bundle_per_worker (replicated per tensor/pipeline worker) or bundles (the full list)',
        );
      if (!per && !list)
        err(
          'placement-group',
          at('placement_group_config'),
          'placement_group_config has neither bundle_per_worker nor bundles; Ray Serve LLM refuses it',
          'add bundle_per_worker: {GPU: 1} (or a bundles list)',
        );
    }

    const experimental = isPlainObject(c.experimental_configs) ? c.experimental_configs : {};
    if ('num_router_replicas' in experimental) {
      err(
        'renamed-key',
        at('experimental_configs', 'num_router_replicas'),
        'num_router_replicas was renamed; Ray Serve LLM refuses the old name',
        'write num_ingress_replicas instead',
        'num_ingress_replicas',
      );
    }

    if (isPlainObject(c.deployment_config))
      out.push(...checkDeployment(c.deployment_config, [...path, ...at('deployment_config')]));
  });
  if (isPlainObject(args.ingress_deployment_config))
    out.push(
      ...checkDeployment(args.ingress_deployment_config, [...path, 'ingress_deployment_config']),
    );
  return out;
}
