/**
 * Checks across the fields of one deployment that Ray 2.60 makes either when the config arrives
 * (DeploymentSchema's model validators) or only later, when the controller builds the deployment
 * (AutoscalingConfig, DeploymentConfig and ReplicaConfig in python/ray/serve/_private/config.py,
 * validate_placement_group in python/ray/util/placement_group.py). The later ones are what a
 * user otherwise learns from a DEPLOY_FAILED minutes after the PUT. Works on the raw parsed
 * value, so a type error elsewhere does not hide these.
 */
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { isPlainObject } from './key-catalog';
import { labelSelectorProblem, runtimeEnvProblems } from './checks-common';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const set = (v: unknown) => v !== undefined && v !== null;

/** Autoscaling bounds as the controller will see them (defaults filled in). */
export function autoscalingBounds(
  dep: Record<string, unknown>,
): { min: number; max: number; initial: number | null } | null {
  const auto = dep.num_replicas === 'auto';
  const cfg = isPlainObject(dep.autoscaling_config) ? dep.autoscaling_config : null;
  if (!auto && !cfg) return null;
  // AutoscalingConfig defaults: min 1, max 1; num_replicas "auto" overlays the user's fields on min 1, max 100.
  const min = isInt(cfg?.min_replicas) ? cfg.min_replicas : 1;
  const max = isInt(cfg?.max_replicas) ? cfg.max_replicas : auto ? 100 : 1;
  const initial = isInt(cfg?.initial_replicas) ? cfg.initial_replicas : null;
  return { min, max, initial };
}

export function checkDeployment(dep: unknown, path: ConfigPath): ServeDiagnostic[] {
  if (!isPlainObject(dep)) return [];
  const out: ServeDiagnostic[] = [];
  const err = (code: ServeDiagnostic['code'], at: ConfigPath, message: string, fix: string) =>
    out.push({ severity: 'error', code, path: [...path, ...at], message, fix });

  // num_replicas and autoscaling_config
  if (isInt(dep.num_replicas) && set(dep.autoscaling_config)) {
    err(
      'replicas-conflict',
      ['num_replicas'],
      `num_replicas is ${dep.num_replicas} and autoscaling_config is set; Ray refuses both together`,
      'remove num_replicas (or write num_replicas: auto), or remove autoscaling_config',
    );
  }
  const bounds = autoscalingBounds(dep);
  const cfg = isPlainObject(dep.autoscaling_config) ? dep.autoscaling_config : {};
  if (bounds) {
    const at = (k: string) => (k in cfg ? ['autoscaling_config', k] : ['autoscaling_config']);
    if (bounds.max < bounds.min) {
      err(
        'replicas-order',
        at('max_replicas'),
        `max_replicas (${bounds.max}${'max_replicas' in cfg ? '' : ', the default'}) is below min_replicas (${bounds.min}); the deployment fails when the controller builds it`,
        'make max_replicas >= min_replicas',
      );
    }
    if (bounds.initial !== null && bounds.initial < bounds.min) {
      err(
        'replicas-order',
        at('initial_replicas'),
        `initial_replicas (${bounds.initial}) is below min_replicas (${bounds.min})`,
        'make min_replicas <= initial_replicas <= max_replicas',
      );
    } else if (bounds.initial !== null && bounds.initial > bounds.max) {
      err(
        'replicas-order',
        at('initial_replicas'),
        `initial_replicas (${bounds.initial}) is above max_replicas (${bounds.max}${'max_replicas' in cfg ? '' : ', the default'})`,
        'make min_replicas <= initial_replicas <= max_replicas',
      );
    }
  }

  const DEPRECATED: Record<string, string> = {
    metrics_interval_s:
      'set RAY_SERVE_REPLICA_AUTOSCALING_METRIC_PUSH_INTERVAL_S / RAY_SERVE_HANDLE_AUTOSCALING_METRIC_PUSH_INTERVAL_S instead',
    smoothing_factor: 'use upscaling_factor and downscaling_factor',
    upscale_smoothing_factor: 'use upscaling_factor',
    downscale_smoothing_factor: 'use downscaling_factor',
  };
  for (const [key, fix] of Object.entries(DEPRECATED)) {
    if (key in cfg)
      out.push({
        severity: 'warning',
        code: 'deprecated-key',
        path: [...path, 'autoscaling_config', key],
        message: `${key} is deprecated in Ray 2.60 (still applied for now)`,
        fix,
      });
  }

  // placement groups
  const bundles = dep.placement_group_bundles;
  if (Array.isArray(bundles)) {
    if (bundles.length === 0)
      err(
        'placement-group',
        ['placement_group_bundles'],
        'placement_group_bundles is an empty list; Ray refuses it when it builds the deployment',
        'give at least one bundle, e.g. [{CPU: 1, GPU: 1}], or remove the key',
      );
    bundles.forEach((b, i) => {
      if (
        isPlainObject(b) &&
        (Object.keys(b).length === 0 || Object.values(b).every((v) => v === 0))
      ) {
        err(
          'placement-group',
          ['placement_group_bundles', i],
          'a bundle is empty or has only zero resources; Ray refuses it',
          'give the bundle a non-zero resource, e.g. {CPU: 1}',
        );
      }
    });
    if (set(dep.max_replicas_per_node)) {
      err(
        'placement-group',
        ['max_replicas_per_node'],
        'max_replicas_per_node is set together with placement_group_bundles; Ray refuses both together',
        'remove max_replicas_per_node (use placement_group_strategy to spread replicas)',
      );
    }
    const actor = isPlainObject(dep.ray_actor_options) ? dep.ray_actor_options : {};
    const first = isPlainObject(bundles[0]) ? bundles[0] : null;
    if (first && actor.num_cpus === undefined && (typeof first.CPU !== 'number' || first.CPU < 1)) {
      out.push({
        severity: 'warning',
        code: 'placement-group',
        path: [...path, 'placement_group_bundles', 0],
        message: `the first bundle has ${typeof first.CPU === 'number' ? first.CPU : 0} CPU, but a replica asks 1 CPU unless num_cpus is set (here or in the code); Ray then refuses the deployment when it builds it`,
        fix: "set ray_actor_options.num_cpus to at most the bundle's CPU, or give the first bundle CPU: 1",
      });
    }
    if (first) {
      const fits: [string, string, unknown][] = [
        ['num_cpus', 'CPU', actor.num_cpus],
        ['num_gpus', 'GPU', actor.num_gpus],
        ...Object.entries(isPlainObject(actor.resources) ? actor.resources : {}).map(
          ([k, v]) => [`resources.${k}`, k, v] as [string, string, unknown],
        ),
      ];
      for (const [option, resource, asked] of fits) {
        const has = isNum(first[resource]) ? (first[resource] as number) : 0;
        if (isNum(asked) && asked > has) {
          err(
            'placement-group',
            ['ray_actor_options', ...option.split('.')],
            `the replica asks ${asked} ${resource} but the first placement group bundle (where Ray places the replica) has ${has}; Ray refuses it when it builds the deployment`,
            `raise ${resource} in placement_group_bundles[0] to at least ${asked}, or lower ray_actor_options.${option}`,
          );
        }
      }
    }
  } else {
    if (set(dep.placement_group_strategy)) {
      err(
        'placement-group',
        ['placement_group_strategy'],
        'placement_group_strategy is set without placement_group_bundles; Ray refuses it when it builds the deployment',
        'add placement_group_bundles or remove placement_group_strategy',
      );
    }
    if (set(dep.placement_group_bundle_label_selector)) {
      err(
        'placement-group',
        ['placement_group_bundle_label_selector'],
        'placement_group_bundle_label_selector is set without placement_group_bundles; Ray refuses it',
        'add placement_group_bundles or remove the selector',
      );
    }
  }
  const selectors = dep.placement_group_bundle_label_selector;
  if (
    Array.isArray(selectors) &&
    Array.isArray(bundles) &&
    selectors.length !== 1 &&
    selectors.length !== bundles.length
  ) {
    err(
      'placement-group',
      ['placement_group_bundle_label_selector'],
      `${selectors.length} label selectors for ${bundles.length} bundles; Ray wants one selector, or one per bundle`,
      'give one selector for all bundles or exactly one per bundle',
    );
  }

  // gang scheduling
  const gang = isPlainObject(dep.gang_scheduling_config) ? dep.gang_scheduling_config : null;
  if (gang && isInt(gang.gang_size) && gang.gang_size >= 1) {
    const size = gang.gang_size;
    if (isInt(dep.num_replicas) && dep.num_replicas % size !== 0) {
      err(
        'gang-scheduling',
        ['num_replicas'],
        `num_replicas (${dep.num_replicas}) is not a multiple of gang_size (${size}); Ray refuses it`,
        `use a multiple of ${size}`,
      );
    }
    if (dep.num_replicas === 'auto') {
      for (const k of ['min_replicas', 'max_replicas', 'initial_replicas']) {
        const v = cfg[k];
        if (isInt(v) && v % size !== 0)
          err(
            'gang-scheduling',
            ['autoscaling_config', k],
            `${k} (${v}) is not a multiple of gang_size (${size}); Ray refuses it`,
            `use a multiple of ${size}`,
          );
      }
    }
    if (set(dep.max_replicas_per_node))
      err(
        'gang-scheduling',
        ['max_replicas_per_node'],
        'max_replicas_per_node is set together with gang_scheduling_config; Ray refuses both together',
        'remove max_replicas_per_node',
      );
    if (set(dep.placement_group_strategy))
      err(
        'gang-scheduling',
        ['placement_group_strategy'],
        'placement_group_strategy is set together with gang_scheduling_config; Ray refuses both together',
        'use gang_scheduling_config.gang_placement_strategy instead',
      );
  }

  // deployment-scoped actors: unique names
  if (Array.isArray(dep.deployment_actors)) {
    const seen = new Set<string>();
    dep.deployment_actors.forEach((a, i) => {
      if (isPlainObject(a) && typeof a.name === 'string') {
        if (seen.has(a.name))
          err(
            'duplicate-deployment-name',
            ['deployment_actors', i, 'name'],
            `two deployment_actors are named "${a.name}"; Ray refuses duplicate names`,
            'give each deployment actor its own name',
          );
        seen.add(a.name);
      }
    });
  }

  // ray_actor_options: label selector and runtime_env URIs
  const actor = isPlainObject(dep.ray_actor_options) ? dep.ray_actor_options : null;
  if (actor) {
    const problem = labelSelectorProblem(actor.label_selector);
    if (problem)
      err(
        'label-selector',
        ['ray_actor_options', 'label_selector'],
        problem,
        'use label keys and values of at most 63 characters: letters, digits, -, _ and . (values may start with ! or use in(a,b))',
      );
    out.push(
      ...runtimeEnvProblems(actor.runtime_env, [...path, 'ray_actor_options', 'runtime_env']),
    );
  }
  return out;
}
