/**
 * A Serve application and the whole multi-application config Ray 2.60.0 takes on
 * `PUT /api/serve/applications/` and in `serve deploy` (ServeApplicationSchema and
 * ServeDeploySchema in python/ray/serve/schema.py). `ServeDeployConfig` is the type the Serve
 * page, apply and the pipeline compiler share.
 */
import { z } from 'zod';
import {
  ControllerOptionsSchema,
  dict,
  GrpcOptionsSchema,
  HttpOptionsSchema,
  LoggingConfigSchema,
  PROXY_LOCATIONS,
  RuntimeEnvSchema,
  TracingConfigSchema,
} from './schema-common';
import { DeploymentSchema } from './schema-deployment';

export const DEFAULT_APP_NAME = 'default';

export const ServeApplicationSchema = z.object({
  name: z.string().optional(),
  route_prefix: z.string().nullable().optional(),
  import_path: z.string(),
  runtime_env: RuntimeEnvSchema.optional(),
  deployments: z.array(DeploymentSchema).optional(),
  /** "under development and not yet supported" (Ray 2.60). */
  autoscaling_policy: dict.nullable().optional(),
  args: dict.optional(),
  logging_config: LoggingConfigSchema.nullable().optional(),
  external_scaler_enabled: z.boolean().optional(),
});

export const ServeDeploySchema = z.object({
  proxy_location: z.enum(PROXY_LOCATIONS).optional(),
  http_options: HttpOptionsSchema.optional(),
  grpc_options: GrpcOptionsSchema.optional(),
  controller_options: ControllerOptionsSchema.nullable().optional(),
  logging_config: LoggingConfigSchema.nullable().optional(),
  tracing_config: TracingConfigSchema.nullable().optional(),
  applications: z.array(ServeApplicationSchema),
  target_capacity: z.number().min(0).max(100).nullable().optional(),
});

export type ServeApplicationConfig = z.infer<typeof ServeApplicationSchema>;
export type ServeDeployConfig = z.infer<typeof ServeDeploySchema>;
