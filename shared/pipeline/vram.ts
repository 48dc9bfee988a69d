/**
 * A VRAM estimate for one replica of an llm stage (vLLM): weights (parameters x bytes of the
 * dtype) + KV cache (2 x layers x kv_heads x head_dim x bytes x tokens) + a fixed overhead per
 * GPU (CUDA context, activations, CUDA graphs), split over the tensor-parallel GPUs.
 *
 * vLLM only refuses to start when weights + overhead + the KV cache of ONE sequence at
 * max_model_len do not fit in gpu_memory_utilization of a card ("max_model_len is larger than
 * the maximum number of tokens that can be stored in KV cache"); a KV cache smaller than
 * max_num_seqs full-length sequences only lowers how many run at once. So both are computed:
 * `minimumPerGpu` decides fit (an error), `fullBatchPerGpu` a warning.
 *
 * Model shape, in order: the stage's `model_facts` (config.json numbers), a known model by name,
 * a parameter count in the name ("…-8B…") with the shape of the nearest known size.
 */
import type { LlmStage, ModelFacts } from './graph';

/** vLLM 0.29.0 defaults (shared/serve/engine-args-0.29.0.json; max_num_seqs: the API server's). */
export const VLLM_DEFAULTS = { gpu_memory_utilization: 0.92, max_num_seqs: 256 } as const;
/** CUDA context + activations + CUDA graphs, per GPU (vLLM's profile run measures ~1-2 GiB). */
export const OVERHEAD_GIB_PER_GPU = 1.5;
const GIB = 1024 ** 3;

/** The shape of a decoder-only transformer, as config.json gives it. */
interface ModelShape {
  params_b: number;
  layers: number;
  kvHeads: number;
  headDim: number;
}

/** Known models (their config.json): name fragment -> shape. Longest fragment wins. */
const KNOWN: Record<string, ModelShape> = {
  'llama-2-7b': { params_b: 6.74, layers: 32, kvHeads: 32, headDim: 128 },
  'llama-2-13b': { params_b: 13.0, layers: 40, kvHeads: 40, headDim: 128 },
  'llama-2-70b': { params_b: 69.0, layers: 80, kvHeads: 8, headDim: 128 },
  'llama-3-8b': { params_b: 8.03, layers: 32, kvHeads: 8, headDim: 128 },
  'llama-3.1-8b': { params_b: 8.03, layers: 32, kvHeads: 8, headDim: 128 },
  'llama-3-70b': { params_b: 70.6, layers: 80, kvHeads: 8, headDim: 128 },
  'llama-3.1-70b': { params_b: 70.6, layers: 80, kvHeads: 8, headDim: 128 },
  'llama-3.3-70b': { params_b: 70.6, layers: 80, kvHeads: 8, headDim: 128 },
  'llama-3.2-1b': { params_b: 1.24, layers: 16, kvHeads: 8, headDim: 64 },
  'llama-3.2-3b': { params_b: 3.21, layers: 28, kvHeads: 8, headDim: 128 },
  'mistral-7b': { params_b: 7.24, layers: 32, kvHeads: 8, headDim: 128 },
  'qwen2.5-0.5b': { params_b: 0.49, layers: 24, kvHeads: 2, headDim: 64 },
  'qwen2.5-1.5b': { params_b: 1.54, layers: 28, kvHeads: 2, headDim: 128 },
  'qwen2.5-7b': { params_b: 7.62, layers: 28, kvHeads: 4, headDim: 128 },
  'qwen2.5-14b': { params_b: 14.7, layers: 48, kvHeads: 8, headDim: 128 },
  'qwen2.5-32b': { params_b: 32.8, layers: 64, kvHeads: 8, headDim: 128 },
  'qwen2.5-72b': { params_b: 72.7, layers: 80, kvHeads: 8, headDim: 128 },
};
/** Shapes by size, for a name that says only "7b" or "70b". */
const BY_SIZE = Object.values(KNOWN);

/** Bytes per parameter of vLLM's `dtype` ("auto": the checkpoint's, bf16/fp16 for LLMs). */
export function dtypeBytes(dtype: unknown): number {
  switch (String(dtype ?? 'auto').toLowerCase()) {
    case 'float32':
    case 'float':
      return 4;
    case 'fp8':
    case 'fp8_e4m3':
    case 'fp8_e5m2':
      return 1;
    default:
      return 2;
  }
}

/** Bytes per weight after `quantization` (4-bit methods ~0.5, fp8 1). */
function weightBytes(kwargs: Record<string, unknown>): number {
  const q = String(kwargs.quantization ?? '').toLowerCase();
  if (/awq|gptq|bitsandbytes|gguf|marlin/.test(q)) return 0.5;
  if (/fp8/.test(q)) return 1;
  return dtypeBytes(kwargs.dtype);
}

function shapeFromFacts(f: ModelFacts): Partial<ModelShape> {
  const headDim =
    f.head_dim ??
    (f.hidden_size && f.num_attention_heads ? f.hidden_size / f.num_attention_heads : undefined);
  const kvHeads = f.num_key_value_heads ?? f.num_attention_heads;
  let params_b = f.params_b;
  if (params_b === undefined && f.hidden_size && f.num_hidden_layers && f.vocab_size) {
    // embeddings (+ an untied head) and, per layer, attention (q, o + k, v with GQA) and the MLP
    const h = f.hidden_size;
    const kv = (kvHeads ?? f.num_attention_heads ?? 1) * (headDim ?? 0);
    const mlp = 3 * h * (f.intermediate_size ?? 4 * h);
    params_b = (2 * f.vocab_size * h + f.num_hidden_layers * (2 * h * h + 2 * h * kv + mlp)) / 1e9;
  }
  return { params_b, layers: f.num_hidden_layers, kvHeads, headDim };
}

/** Where the model's shape came from, said in messages. */
export type ShapeSource = 'model_facts' | 'known model' | 'size in the name';

export function modelShape(stage: LlmStage): { shape: ModelShape; source: ShapeSource } | null {
  const facts = stage.model_facts ? shapeFromFacts(stage.model_facts) : {};
  const mlc = stage.llm_config.model_loading_config;
  const name = `${mlc.model_id} ${typeof mlc.model_source === 'string' ? mlc.model_source : ''}`
    .toLowerCase()
    .replace(/meta-llama-/g, 'llama-');
  const known = Object.keys(KNOWN)
    .filter((k) => name.includes(k))
    .sort((a, b) => b.length - a.length)[0];
  let guess: ModelShape | undefined = known ? KNOWN[known] : undefined;
  let source: ShapeSource = 'known model';
  if (!guess) {
    const m = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z])/.exec(name);
    if (m) {
      const params_b = Number(m[1]);
      const nearest = BY_SIZE.reduce((a, b) =>
        Math.abs(b.params_b - params_b) < Math.abs(a.params_b - params_b) ? b : a,
      );
      guess = { ...nearest, params_b };
      source = 'size in the name';
    }
  }
  const merged = { ...guess, ...definedOnly(facts) };
  if (
    merged.params_b === undefined ||
    merged.layers === undefined ||
    merged.kvHeads === undefined ||
    merged.headDim === undefined
  )
    return null;
  return { shape: merged as ModelShape, source: stage.model_facts ? 'model_facts' : source };
}

const definedOnly = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export interface VramEstimate {
  source: ShapeSource;
  tensorParallel: number;
  weightsGiB: number;
  /** KV cache of one sequence of max_model_len tokens (whole replica). */
  kvPerSequenceGiB: number;
  maxModelLen: number;
  maxNumSeqs: number;
  /** What one GPU of the replica needs to start at all (vLLM refuses below it). */
  minimumPerGpuGiB: number;
  /** What one GPU needs for max_num_seqs sequences of max_model_len at once. */
  fullBatchPerGpuGiB: number;
  gpuMemoryUtilization: number;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

export const tensorParallelOf = (stage: LlmStage): number =>
  Math.max(1, num(stage.llm_config.engine_kwargs?.tensor_parallel_size) ?? 1);

/** The estimate for one replica, or null when the model's shape or max_model_len is unknown. */
export function estimateVram(stage: LlmStage): VramEstimate | null {
  const found = modelShape(stage);
  const kwargs = stage.llm_config.engine_kwargs ?? {};
  const maxModelLen = num(kwargs.max_model_len);
  if (!found || !maxModelLen || maxModelLen <= 0) return null;
  const { shape, source } = found;
  const tp = tensorParallelOf(stage);
  const kvBytes =
    kwargs.kv_cache_dtype && kwargs.kv_cache_dtype !== 'auto'
      ? dtypeBytes(kwargs.kv_cache_dtype)
      : dtypeBytes(kwargs.dtype);
  const maxNumSeqs = num(kwargs.max_num_seqs) ?? VLLM_DEFAULTS.max_num_seqs;
  const weightsGiB = (shape.params_b * 1e9 * weightBytes(kwargs)) / GIB;
  const kvPerSequenceGiB =
    (2 * shape.layers * shape.kvHeads * shape.headDim * kvBytes * maxModelLen) / GIB;
  return {
    source,
    tensorParallel: tp,
    weightsGiB,
    kvPerSequenceGiB,
    maxModelLen,
    maxNumSeqs,
    minimumPerGpuGiB: (weightsGiB + kvPerSequenceGiB) / tp + OVERHEAD_GIB_PER_GPU,
    fullBatchPerGpuGiB: (weightsGiB + kvPerSequenceGiB * maxNumSeqs) / tp + OVERHEAD_GIB_PER_GPU,
    gpuMemoryUtilization:
      num(kwargs.gpu_memory_utilization) ?? VLLM_DEFAULTS.gpu_memory_utilization,
  };
}

export const gib = (v: number): string => (v >= 10 ? v.toFixed(0) : v.toFixed(1));

const FACT_KEYS = [
  'num_hidden_layers',
  'num_attention_heads',
  'num_key_value_heads',
  'hidden_size',
  'head_dim',
  'intermediate_size',
  'vocab_size',
] as const;

/**
 * An llm stage's `model_facts` from a model's config.json (Hugging Face), e.g. pasted in the
 * side form or read from a local model folder; multimodal configs keep them in `text_config`.
 */
export function modelFactsFromConfigJson(config: unknown): ModelFacts {
  const o = (typeof config === 'object' && config !== null ? config : {}) as Record<
    string,
    unknown
  >;
  const text = (
    typeof o.text_config === 'object' && o.text_config !== null ? o.text_config : o
  ) as Record<string, unknown>;
  const facts: ModelFacts = {};
  for (const key of FACT_KEYS) {
    const v = num(text[key]) ?? num(o[key]);
    if (v !== undefined && v > 0) facts[key] = v;
  }
  return facts;
}
