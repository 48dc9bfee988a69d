/**
 * Which keys each block of a Serve config may hold, and what Ray 2.60 does with any other key:
 * most blocks drop it without a word (pydantic's default extra="ignore", see ray#61439), a few
 * refuse it (extra="forbid"). Raydeck names every such key as an error, with what it most likely
 * meant: a renamed key (max_concurrent_queries), a key at the wrong level (num_gpus on the
 * deployment instead of in ray_actor_options, host at the top instead of in http_options), or
 * the nearest known key by edit distance. `findKeyProblems` walks a parsed config with it.
 */
import type { z } from 'zod';
import type { ConfigPath, ServeDiagnostic } from './diagnostics';
import { nearest } from './edit-distance';
import { VLLM_ENGINE_ARGS } from './engine-args';
import {
  ControllerOptionsSchema,
  GrpcOptionsSchema,
  HttpOptionsSchema,
  LoggingConfigSchema,
  RayActorOptionsSchema,
  TracingConfigSchema,
} from './schema-common';
import { ServeApplicationSchema, ServeDeploySchema } from './schema-application';
import {
  AutoscalingConfigSchema,
  AutoscalingPolicySchema,
  BackpressureConfigSchema,
  DeploymentActorConfigSchema,
  DeploymentSchema,
  GangSchedulingConfigSchema,
  RequestRouterConfigSchema,
} from './schema-deployment';
import {
  AcceleratorConfigSchema,
  CallbackConfigSchema,
  LLMConfigSchema,
  LLMServingArgsSchema,
  LoraConfigSchema,
  ModelLoadingConfigSchema,
  PlacementGroupConfigSchema,
} from './schema-llm';

export type BlockKind =
  | 'deploy'
  | 'http'
  | 'grpc'
  | 'controller'
  | 'logging'
  | 'tracing'
  | 'application'
  | 'deployment'
  | 'actor'
  | 'autoscaling'
  | 'policy'
  | 'router'
  | 'backpressure'
  | 'gang'
  | 'deploymentActor'
  | 'llmArgs'
  | 'llmConfig'
  | 'modelLoading'
  | 'lora'
  | 'placementGroup'
  | 'accelerator'
  | 'callback'
  | 'ingressCls'
  | 'llmDeployment';

interface Child {
  kind: BlockKind;
  list?: boolean;
}

interface Block {
  /** How people name the block in a message. */
  label: string;
  schema: z.ZodObject;
  /** What Ray 2.60 does with a key it does not know here. */
  ray: 'drops' | 'refuses' | 'refuses on the cluster';
  children?: Record<string, Child>;
}

const deploymentChildren: Record<string, Child> = {
  ray_actor_options: { kind: 'actor' },
  autoscaling_config: { kind: 'autoscaling' },
  logging_config: { kind: 'logging' },
  request_router_config: { kind: 'router' },
  backpressure_config: { kind: 'backpressure' },
  gang_scheduling_config: { kind: 'gang' },
  deployment_actors: { kind: 'deploymentActor', list: true },
};

export const BLOCKS: Record<BlockKind, Block> = {
  deploy: {
    label: 'the top level',
    schema: ServeDeploySchema,
    ray: 'drops',
    children: {
      http_options: { kind: 'http' },
      grpc_options: { kind: 'grpc' },
      controller_options: { kind: 'controller' },
      logging_config: { kind: 'logging' },
      tracing_config: { kind: 'tracing' },
      applications: { kind: 'application', list: true },
    },
  },
  http: { label: 'http_options', schema: HttpOptionsSchema, ray: 'drops' },
  grpc: { label: 'grpc_options', schema: GrpcOptionsSchema, ray: 'drops' },
  controller: { label: 'controller_options', schema: ControllerOptionsSchema, ray: 'refuses' },
  logging: { label: 'logging_config', schema: LoggingConfigSchema, ray: 'refuses' },
  tracing: { label: 'tracing_config', schema: TracingConfigSchema, ray: 'refuses' },
  application: {
    label: 'an application',
    schema: ServeApplicationSchema,
    ray: 'drops',
    children: {
      deployments: { kind: 'deployment', list: true },
      logging_config: { kind: 'logging' },
    },
  },
  deployment: {
    label: 'a deployment',
    schema: DeploymentSchema,
    ray: 'drops',
    children: deploymentChildren,
  },
  actor: { label: 'ray_actor_options', schema: RayActorOptionsSchema, ray: 'drops' },
  autoscaling: {
    label: 'autoscaling_config',
    schema: AutoscalingConfigSchema,
    ray: 'drops',
    children: { policy: { kind: 'policy' } },
  },
  policy: { label: 'autoscaling_config.policy', schema: AutoscalingPolicySchema, ray: 'drops' },
  router: { label: 'request_router_config', schema: RequestRouterConfigSchema, ray: 'drops' },
  backpressure: { label: 'backpressure_config', schema: BackpressureConfigSchema, ray: 'refuses' },
  gang: { label: 'gang_scheduling_config', schema: GangSchedulingConfigSchema, ray: 'drops' },
  deploymentActor: {
    label: 'deployment_actors[]',
    schema: DeploymentActorConfigSchema,
    ray: 'drops',
  },
  llmArgs: {
    label: 'the args of build_openai_app',
    schema: LLMServingArgsSchema,
    ray: 'refuses on the cluster',
    children: {
      llm_configs: { kind: 'llmConfig', list: true },
      ingress_cls_config: { kind: 'ingressCls' },
      ingress_deployment_config: { kind: 'llmDeployment' },
    },
  },
  llmConfig: {
    label: 'an llm_configs entry',
    schema: LLMConfigSchema,
    ray: 'refuses on the cluster',
    children: {
      model_loading_config: { kind: 'modelLoading' },
      lora_config: { kind: 'lora' },
      placement_group_config: { kind: 'placementGroup' },
      accelerator_config: { kind: 'accelerator' },
      callback_config: { kind: 'callback' },
      deployment_config: { kind: 'llmDeployment' },
    },
  },
  modelLoading: {
    label: 'model_loading_config',
    schema: ModelLoadingConfigSchema,
    ray: 'refuses on the cluster',
  },
  lora: { label: 'lora_config', schema: LoraConfigSchema, ray: 'refuses on the cluster' },
  placementGroup: {
    label: 'placement_group_config',
    schema: PlacementGroupConfigSchema,
    ray: 'refuses on the cluster',
  },
  accelerator: {
    label: 'accelerator_config',
    schema: AcceleratorConfigSchema,
    ray: 'refuses on the cluster',
  },
  callback: {
    label: 'callback_config',
    schema: CallbackConfigSchema,
    ray: 'refuses on the cluster',
  },
  ingressCls: {
    label: 'ingress_cls_config',
    schema: LLMServingArgsSchema.shape.ingress_cls_config.unwrap(),
    ray: 'refuses on the cluster',
  },
  /** The @serve.deployment options of an LLM server or its ingress: a deployment whose name is optional. */
  llmDeployment: {
    label: 'deployment_config',
    schema: DeploymentSchema,
    ray: 'refuses on the cluster',
    children: deploymentChildren,
  },
};

export const knownKeys = (kind: BlockKind): string[] => Object.keys(BLOCKS[kind].schema.shape);

/** Keys Ray once had here under another name (or no longer has), and what to write instead. */
const RENAMED: Partial<Record<BlockKind, Record<string, { to?: string; note: string }>>> = {
  deployment: {
    max_concurrent_queries: {
      to: 'max_ongoing_requests',
      note: 'renamed in Ray 2.10, which removed max_concurrent_queries',
    },
    version: {
      note: 'deployment versions were removed from the Serve config in Ray 2.x; a change of code or config makes a new version',
    },
    prev_version: { note: 'removed with deployment versions in Ray 2.x' },
    init_args: {
      note: 'not a Serve config option: pass arguments through the application `args` and the app builder',
    },
    init_kwargs: {
      note: 'not a Serve config option: pass arguments through the application `args` and the app builder',
    },
  },
  autoscaling: {
    target_num_ongoing_requests_per_replica: {
      to: 'target_ongoing_requests',
      note: 'renamed in Ray 2.10',
    },
    max_concurrent_queries: {
      to: 'max_ongoing_requests',
      note: 'renamed in Ray 2.10, and it belongs on the deployment, not in autoscaling_config',
    },
  },
  http: {
    location: {
      to: 'proxy_location',
      note: 'http_options.location became the top-level proxy_location',
    },
  },
  policy: {
    name: { to: 'policy_function', note: 'the policy import path is policy_function' },
  },
};

/** For a key unknown here: the blocks that do know it, nearest first (children, then parents). */
const NEAR: Partial<Record<BlockKind, BlockKind[]>> = {
  deploy: ['http', 'application', 'deployment'],
  application: ['deploy', 'deployment', 'actor', 'autoscaling'],
  deployment: ['actor', 'autoscaling', 'application', 'router'],
  actor: ['deployment'],
  autoscaling: ['deployment'],
  http: ['deploy', 'grpc'],
  llmConfig: ['modelLoading', 'llmDeployment', 'actor', 'autoscaling'],
  llmDeployment: ['actor', 'autoscaling', 'llmConfig'],
  modelLoading: ['llmConfig'],
};

/** How a key in block `kind` is written from the block the user is in, e.g. "ray_actor_options.num_gpus". */
function placeOf(from: BlockKind, kind: BlockKind, key: string): string {
  const childKey = Object.entries(BLOCKS[from].children ?? {}).find(
    ([, c]) => c.kind === kind,
  )?.[0];
  if (childKey) return `${childKey}${BLOCKS[from].children![childKey]!.list ? '[]' : ''}.${key}`;
  return `${key} in ${BLOCKS[kind].label}`;
}

function rayFate(block: Block): string {
  switch (block.ray) {
    case 'drops':
      return 'Ray 2.60 drops it without a word';
    case 'refuses':
      return 'Ray 2.60 refuses it';
    case 'refuses on the cluster':
      return 'Ray 2.60 refuses it only when the application starts on the cluster (DEPLOY_FAILED)';
  }
}

/** Callback for blocks whose content depends on a sibling (e.g. `args` of an LLM app). */
export type ExtraBlocks = (
  kind: BlockKind,
  value: Record<string, unknown>,
) => Record<string, Child>;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every key in `value` (a block of kind `kind`) that Ray would drop or refuse, with the likely intent. */
export function findKeyProblems(
  value: unknown,
  kind: BlockKind,
  path: ConfigPath = [],
  extra?: ExtraBlocks,
): ServeDiagnostic[] {
  if (!isPlainObject(value)) return [];
  const block = BLOCKS[kind];
  const known = new Set(knownKeys(kind));
  const out: ServeDiagnostic[] = [];
  for (const key of Object.keys(value)) {
    if (known.has(key)) continue;
    out.push(keyProblem(kind, key, [...path, key]));
  }
  const children = { ...block.children, ...extra?.(kind, value) };
  for (const [key, child] of Object.entries(children)) {
    const v = value[key];
    if (child.list && Array.isArray(v))
      v.forEach((item, i) =>
        out.push(...findKeyProblems(item, child.kind, [...path, key, i], extra)),
      );
    else if (!child.list) out.push(...findKeyProblems(v, child.kind, [...path, key], extra));
  }
  return out;
}

function keyProblem(kind: BlockKind, key: string, path: ConfigPath): ServeDiagnostic {
  const block = BLOCKS[kind];
  const fate = rayFate(block);
  const renamed = RENAMED[kind === 'llmDeployment' ? 'deployment' : kind]?.[key];
  if (renamed) {
    return {
      severity: 'error',
      code: 'renamed-key',
      path,
      message: `"${key}" is not a key of ${block.label} in Ray 2.60 (${renamed.note}); ${fate}`,
      fix: renamed.to ? `write ${renamed.to} instead` : `remove "${key}"`,
      ...(renamed.to ? { suggestion: renamed.to } : {}),
    };
  }
  if (kind === 'application' && (key === 'host' || key === 'port')) {
    return {
      severity: 'error',
      code: 'wrong-level',
      path,
      message: `"${key}" is set on an application; Ray 2.60 refuses per-application ${key} in a multi-application config`,
      fix: `remove it here and set http_options.${key} at the top level`,
      suggestion: `http_options.${key}`,
    };
  }
  if ((kind === 'llmConfig' || kind === 'llmDeployment') && VLLM_ENGINE_ARGS.has(key)) {
    const place =
      kind === 'llmConfig'
        ? `engine_kwargs.${key}`
        : `engine_kwargs.${key} of the llm_configs entry`;
    return {
      severity: 'error',
      code: 'wrong-level',
      path,
      message: `"${key}" is a vLLM engine argument, not a key of ${block.label}; ${fate}`,
      fix: `move it to ${place}`,
      suggestion: place,
    };
  }
  for (const other of NEAR[kind] ?? []) {
    const movedAndRenamed = RENAMED[other]?.[key]?.to;
    if (movedAndRenamed && knownKeys(other).includes(movedAndRenamed)) {
      // e.g. target_num_ongoing_requests_per_replica on the deployment: both level and name are old.
      const place = placeOf(kind, other, movedAndRenamed);
      return {
        severity: 'error',
        code: 'renamed-key',
        path,
        message: `"${key}" is not a key of ${block.label}; ${fate}. It was a key of ${BLOCKS[other].label} (${RENAMED[other]![key]!.note})`,
        fix: `write ${place} instead`,
        suggestion: place,
      };
    }
    if (knownKeys(other).includes(key)) {
      const place = placeOf(kind, other, key);
      return {
        severity: 'error',
        code: 'wrong-level',
        path,
        message: `"${key}" is not a key of ${block.label}; ${fate}. It belongs in ${BLOCKS[other].label}`,
        fix: `move it to ${place}`,
        suggestion: place,
      };
    }
  }
  const near = nearest(key, knownKeys(kind));
  return {
    severity: 'error',
    code: 'unknown-key',
    path,
    message: `unknown key "${key}" in ${block.label}; ${fate}`,
    fix: near
      ? `did you mean "${near}"?`
      : `remove it (known keys here: ${knownKeys(kind).join(', ')})`,
    ...(near ? { suggestion: near } : {}),
  };
}
