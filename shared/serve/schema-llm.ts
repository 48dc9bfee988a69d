/**
 * The `args` of a Ray Serve LLM application (`import_path: ray.serve.llm:build_openai_app`), as
 * Ray 2.60.0 reads them: LLMServingArgs (llm/_internal/serve/core/ingress/builder.py), LLMConfig,
 * ModelLoadingConfig, LoraConfig (core/configs/llm_config.py), PlacementGroupConfig
 * (llm/_internal/common/placement.py). All of these forbid unknown keys, but Ray checks them only
 * when the app builder runs on the cluster (ServeDeploySchema keeps `args` a plain dict), so a
 * typo surfaces as DEPLOY_FAILED minutes later; here it is refused at once.
 */
import { z } from 'zod';
import { dict, int, nonNegative, number } from './schema-common';

/** Import paths whose `args` are LLMServingArgs. */
export const LLM_APP_BUILDERS = [
  'ray.serve.llm:build_openai_app',
  'ray.serve.llm.build_openai_app',
] as const;

/** The app builders `ray.serve.llm` has in Ray 2.60.0 (python/ray/serve/llm/__init__.py). */
export const RAY_SERVE_LLM_BUILDERS = [
  'build_openai_app',
  'build_pd_openai_app',
  'build_dp_openai_app',
  'build_llm_deployment',
  'build_dp_deployment',
] as const;

/** ray/util/accelerators/accelerators.py of Ray 2.60.0 (AcceleratorType = every value there); "A10" is read as "A10G". */
export const ACCELERATOR_TYPES = [
  'V100',
  'P100',
  'T4',
  'P4',
  'K80',
  'A10G',
  'L4',
  'L40S',
  'A100',
  'H100',
  'H200',
  'H20',
  'B200',
  'B300',
  'GB200',
  'GB300',
  'RTX-PRO-6000',
  'Intel-GPU-Max-1550',
  'Intel-GPU-Max-1100',
  'Intel-GAUDI',
  'AMD-Instinct-MI100',
  'AMD-Instinct-MI250X',
  'AMD-Instinct-MI250X-MI250',
  'AMD-Instinct-MI210',
  'AMD-Instinct-MI300A',
  'AMD-Instinct-MI300X-OAM',
  'AMD-Instinct-MI300X-HF',
  'AMD-Instinct-MI308X',
  'AMD-Instinct-MI325X-OAM',
  'AMD-Instinct-MI350X-OAM',
  'AMD-Instinct-MI355X-OAM',
  'AMD-Radeon-R9-200-HD-7900',
  'AMD-Radeon-HD-7900',
  'aws-neuron-core',
  'TPU-V2',
  'TPU-V3',
  'TPU-V4',
  'TPU-V5P',
  'TPU-V5LITEPOD',
  'TPU-V6E',
  'TPU-V7X',
  'Ascend910B',
  'Ascend910B4',
  'MXC500',
  'MXC550',
  'FURIOSA_RNGD',
  'M1',
  'M1-Pro',
  'M1-Max',
  'M1-Ultra',
  'M2',
  'M2-Pro',
  'M2-Max',
  'M2-Ultra',
  'M3',
  'M3-Pro',
  'M3-Max',
  'Apple-Silicon',
  'A100-40G',
  'A100-80G',
  'MOBILINT_ARIES',
  'MOBILINT_REGULUS',
] as const;

/** BundleConfig allows extra resource keys (non-negative numbers). */
const Bundle = z.record(z.string(), nonNegative);

export const PlacementGroupConfigSchema = z.object({
  bundle_per_worker: Bundle.nullable().optional(),
  bundles: z.array(Bundle).nullable().optional(),
  strategy: z.enum(['PACK', 'SPREAD', 'STRICT_PACK', 'STRICT_SPREAD']).optional(),
});

export const CloudMirrorConfigSchema = z.object({
  bucket_uri: z.string().nullable().optional(),
  extra_files: z
    .array(z.object({ bucket_uri: z.string(), destination_path: z.string() }))
    .optional(),
});

export const ModelLoadingConfigSchema = z.object({
  model_id: z.string(),
  model_source: z.union([z.string(), CloudMirrorConfigSchema]).nullable().optional(),
  tokenizer_source: z.string().nullable().optional(),
});

export const LoraConfigSchema = z.object({
  dynamic_lora_loading_path: z
    .string()
    .refine(
      (v) => /^(s3|gs|abfss|azure):\/\//.test(v),
      'must start with s3://, gs://, abfss:// or azure://',
    )
    .nullable()
    .optional(),
  max_num_adapters_per_replica: int.min(1).optional(),
  download_timeout_s: number.nullable().optional(),
  max_download_tries: int.optional(),
});

export const AcceleratorConfigSchema = z.object({
  kind: z.enum(['cpu', 'gpu', 'tpu']),
  topology: z.string().nullable().optional(),
});

export const CallbackConfigSchema = z.object({
  callback_class: z.string().optional(),
  callback_kwargs: dict.optional(),
  raise_error_on_callback: z.boolean().optional(),
});

export const LLMConfigSchema = z.object({
  runtime_env: dict.nullable().optional(),
  model_loading_config: ModelLoadingConfigSchema,
  llm_engine: z
    .literal('vLLM', { error: 'must be "vLLM" (the only engine Ray 2.60 supports)' })
    .optional(),
  /** Checked key by key against vLLM's own argument names in checks-llm.ts. */
  engine_kwargs: dict.optional(),
  accelerator_type: z.string().nullable().optional(),
  accelerator_config: AcceleratorConfigSchema.nullable().optional(),
  placement_group_config: PlacementGroupConfigSchema.nullable().optional(),
  lora_config: LoraConfigSchema.nullable().optional(),
  /** Ray's @serve.deployment options for the model's LLMServer; checked like a deployment. */
  deployment_config: dict.optional(),
  server_cls: z.string().nullable().optional(),
  experimental_configs: dict.optional(),
  log_engine_metrics: z.boolean().nullable().optional(),
  callback_config: CallbackConfigSchema.optional(),
});

export const LLMServingArgsSchema = z.object({
  /** A dict each here; Ray also takes a path to a YAML file on the cluster (not checked). */
  llm_configs: z.array(z.union([LLMConfigSchema, z.string()])),
  ingress_cls_config: z
    .object({
      ingress_cls: z.string().optional(),
      ingress_extra_kwargs: dict.nullable().optional(),
    })
    .optional(),
  ingress_deployment_config: dict.optional(),
});

export type LLMConfig = z.infer<typeof LLMConfigSchema>;
export type LLMServingArgs = z.infer<typeof LLMServingArgsSchema>;
