/**
 * The leaf blocks of Ray 2.60.0's Serve config (python/ray/serve/schema.py and config.py of the
 * ray 2.60.0 wheel): logging, tracing, ray_actor_options, HTTP and gRPC options, controller
 * options. Value rules only; which keys Ray drops or refuses is key-catalog.ts's job, and checks
 * across fields are in checks-*.ts. Facts copied from Ray's source, not its code.
 */
import { z } from 'zod';

export const number = z.number().refine(Number.isFinite, 'must be a finite number');
export const nonNegative = z.number().min(0, 'must be >= 0');
export const positive = z.number().gt(0, 'must be > 0');
export const int = z.number().int('must be a whole number');
export const dict = z.record(z.string(), z.unknown());

/** Python's logging level names and numbers (logging._nameToLevel / _levelToName). */
export const LOG_LEVEL_NAMES = [
  'CRITICAL',
  'FATAL',
  'ERROR',
  'WARN',
  'WARNING',
  'INFO',
  'DEBUG',
  'NOTSET',
] as const;
export const LOG_LEVEL_NUMBERS = [0, 10, 20, 30, 40, 50] as const;
/** ray/_common/logging_constants.py LOGRECORD_STANDARD_ATTRS. */
export const LOGRECORD_STANDARD_ATTRS = [
  'args',
  'asctime',
  'created',
  'exc_info',
  'exc_text',
  'filename',
  'funcName',
  'levelname',
  'levelno',
  'lineno',
  'message',
  'module',
  'msecs',
  'msg',
  'name',
  'pathname',
  'process',
  'processName',
  'relativeCreated',
  'stack_info',
  'thread',
  'threadName',
  'taskName',
] as const;

/** LoggingConfig (extra="forbid"): top level, application and deployment. */
export const LoggingConfigSchema = z.object({
  encoding: z.enum(['TEXT', 'JSON']).optional(),
  log_level: z
    .union([z.enum(LOG_LEVEL_NAMES), z.literal(LOG_LEVEL_NUMBERS)], {
      error: `must be one of ${LOG_LEVEL_NAMES.join(', ')} or ${LOG_LEVEL_NUMBERS.join(', ')}`,
    })
    .optional(),
  logs_dir: z.string().nullable().optional(),
  enable_access_log: z.boolean().optional(),
  additional_log_standard_attrs: z.array(z.enum(LOGRECORD_STANDARD_ATTRS)).optional(),
});

/** TracingConfig (extra="forbid"). */
export const TracingConfigSchema = z.object({
  enabled: z.boolean().optional(),
  exporter_import_path: z.string().optional(),
  sampling_ratio: z.number().min(0).max(1).optional(),
});

/** runtime_env stays a dict for Ray; working_dir/py_modules are URI-checked in checks-app.ts. */
export const RuntimeEnvSchema = dict;

/** RayActorOptionsSchema (Ray drops unknown keys here). */
export const RayActorOptionsSchema = z.object({
  runtime_env: RuntimeEnvSchema.optional(),
  num_cpus: nonNegative.nullable().optional(),
  num_gpus: nonNegative.nullable().optional(),
  memory: nonNegative.nullable().optional(),
  resources: z.record(z.string(), nonNegative).optional(),
  accelerator_type: z.string().nullable().optional(),
  label_selector: z.record(z.string(), z.string()).nullable().optional(),
  fallback_strategy: z.array(dict).nullable().optional(),
});

/** HTTPOptionsSchema (Ray drops unknown keys: "forward-compatible"). */
export const HttpOptionsSchema = z.object({
  host: z.string().optional(),
  port: int.min(0).max(65535).optional(),
  root_path: z.string().optional(),
  request_timeout_s: number.nullable().optional(),
  keep_alive_timeout_s: int.optional(),
  ssl_keyfile: z.string().nullable().optional(),
  ssl_certfile: z.string().nullable().optional(),
  ssl_keyfile_password: z.string().nullable().optional(),
  ssl_ca_certs: z.string().nullable().optional(),
});

/** gRPCOptionsSchema (Ray drops unknown keys). */
export const GrpcOptionsSchema = z.object({
  port: int.min(0).max(65535).optional(),
  grpc_servicer_functions: z.array(z.string()).optional(),
  request_timeout_s: number.nullable().optional(),
  enable_reflection: z.boolean().optional(),
});

/** ControllerOptions (extra="forbid"; runtime_env may hold env_vars only, all strings). */
export const ControllerOptionsSchema = z.object({
  runtime_env: z
    .object({ env_vars: z.record(z.string().min(1), z.string()).optional() })
    .nullable()
    .optional(),
});

export const PROXY_LOCATIONS = ['Disabled', 'HeadOnly', 'EveryNode'] as const;
