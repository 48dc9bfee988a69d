/**
 * One deployment of a Serve application, as Ray 2.60.0 reads it (DeploymentSchema in
 * python/ray/serve/schema.py, AutoscalingConfig / RequestRouterConfig / BackpressureConfig /
 * GangSchedulingConfig / DeploymentActorConfig in python/ray/serve/config.py). Ray keeps
 * autoscaling_config and request_router_config as plain dicts at PUT time and checks them only
 * when the controller builds the deployment; here they are checked now.
 */
import { z } from 'zod';
import {
  dict,
  int,
  LoggingConfigSchema,
  nonNegative,
  number,
  positive,
  RayActorOptionsSchema,
} from './schema-common';

export const AutoscalingPolicySchema = z.object({
  policy_function: z.string().optional(),
  policy_kwargs: dict.optional(),
});

export const AutoscalingConfigSchema = z.object({
  min_replicas: int.min(0, 'must be >= 0').optional(),
  initial_replicas: int.min(0, 'must be >= 0').nullable().optional(),
  max_replicas: int.min(1, 'must be >= 1').optional(),
  target_ongoing_requests: positive.nullable().optional(),
  /** [DEPRECATED] in Ray 2.60; still accepted. */
  metrics_interval_s: positive.optional(),
  look_back_period_s: positive.optional(),
  /** [DEPRECATED] */
  smoothing_factor: positive.optional(),
  /** [DEPRECATED] use upscaling_factor */
  upscale_smoothing_factor: positive.nullable().optional(),
  /** [DEPRECATED] use downscaling_factor */
  downscale_smoothing_factor: positive.nullable().optional(),
  upscaling_factor: positive.nullable().optional(),
  downscaling_factor: positive.nullable().optional(),
  downscale_delay_s: nonNegative.optional(),
  downscale_to_zero_delay_s: nonNegative.nullable().optional(),
  upscale_delay_s: nonNegative.optional(),
  /** Ray lower-cases it before checking. */
  aggregation_function: z
    .string()
    .refine(
      (v) => ['mean', 'max', 'min'].includes(v.toLowerCase()),
      'must be one of mean, max, min',
    )
    .optional(),
  policy: AutoscalingPolicySchema.optional(),
});

/**
 * Ray 2.60's defaults for the autoscaling settings besides the bounds (AutoscalingConfig in
 * python/ray/serve/config.py; DEFAULT_TARGET_ONGOING_REQUESTS = 2, DEFAULT_METRICS_INTERVAL_S =
 * 10). A scale keeps a deployment's own values of these; Ray's defaults need not be written.
 */
export const RAY_AUTOSCALING_DEFAULTS = {
  target_ongoing_requests: 2,
  metrics_interval_s: 10,
  look_back_period_s: 30,
  smoothing_factor: 1,
  upscaling_factor: null,
  downscaling_factor: null,
  downscale_delay_s: 600,
  downscale_to_zero_delay_s: null,
  upscale_delay_s: 30,
} as const satisfies Record<string, number | null>;

export const RequestRouterConfigSchema = z.object({
  request_router_class: z.string().optional(),
  request_router_kwargs: dict.optional(),
  request_routing_stats_period_s: positive.optional(),
  request_routing_stats_timeout_s: positive.optional(),
  initial_backoff_s: positive.optional(),
  backoff_multiplier: positive.optional(),
  max_backoff_s: positive.optional(),
});

/** BackpressureConfig (extra="forbid"). */
export const BackpressureConfigSchema = z.object({
  status_code: z
    .union([z.literal(503), z.literal(429)], { error: 'must be 503 or 429' })
    .optional(),
  retry_after_s: nonNegative.refine(Number.isFinite, 'must be finite').nullable().optional(),
});

export const GangSchedulingConfigSchema = z.object({
  gang_size: int.min(1, 'must be >= 1'),
  gang_placement_strategy: z.enum(['PACK', 'SPREAD']).optional(),
  /** RESTART_REPLICA is refused by Ray 2.60 ("not yet implemented"). */
  runtime_failure_policy: z
    .literal('RESTART_GANG', {
      error: 'must be RESTART_GANG (RESTART_REPLICA is not implemented in Ray 2.60)',
    })
    .optional(),
});

export const DeploymentActorConfigSchema = z.object({
  name: z.string(),
  actor_class: z.string(),
  init_args: z.array(z.unknown()).optional(),
  init_kwargs: dict.optional(),
  actor_options: dict.optional(),
});

export const PLACEMENT_GROUP_STRATEGIES = [
  'PACK',
  'SPREAD',
  'STRICT_PACK',
  'STRICT_SPREAD',
] as const;

export const DeploymentSchema = z.object({
  name: z.string(),
  num_replicas: z
    .union([int.min(1, 'must be >= 1'), z.literal('auto')], {
      error: 'must be a whole number >= 1 or "auto"',
    })
    .nullable()
    .optional(),
  max_ongoing_requests: int.gt(0, 'must be > 0').optional(),
  /** -1 (no limit) or >= 1; a StrictInt in Ray. */
  max_queued_requests: int
    .refine((v) => v === -1 || v >= 1, 'must be -1 (no limit) or >= 1')
    .optional(),
  backpressure_config: BackpressureConfigSchema.optional(),
  user_config: dict.nullable().optional(),
  autoscaling_config: AutoscalingConfigSchema.nullable().optional(),
  graceful_shutdown_wait_loop_s: nonNegative.optional(),
  graceful_shutdown_timeout_s: nonNegative.optional(),
  health_check_period_s: positive.optional(),
  health_check_timeout_s: positive.optional(),
  ray_actor_options: RayActorOptionsSchema.optional(),
  placement_group_bundles: z.array(z.record(z.string(), nonNegative)).optional(),
  placement_group_strategy: z.enum(PLACEMENT_GROUP_STRATEGIES).optional(),
  placement_group_bundle_label_selector: z.array(z.record(z.string(), z.string())).optional(),
  /** An int in Ray's schema; 1..100 checked when the controller builds it. */
  max_replicas_per_node: int
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .optional(),
  logging_config: LoggingConfigSchema.optional(),
  request_router_config: RequestRouterConfigSchema.optional(),
  gang_scheduling_config: GangSchedulingConfigSchema.nullable().optional(),
  deployment_actors: z.array(DeploymentActorConfigSchema).nullable().optional(),
  rolling_update_percentage: number.gt(0, 'must be > 0').max(1, 'must be <= 1').optional(),
  max_surge_percent: int.min(0).max(100).optional(),
});

export type DeploymentConfig = z.infer<typeof DeploymentSchema>;
export type AutoscalingConfig = z.infer<typeof AutoscalingConfigSchema>;
