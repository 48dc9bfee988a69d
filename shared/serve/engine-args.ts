/**
 * vLLM 0.29.0's own engine argument names (the vLLM that Ray 2.60's ray[llm] extra pins), generated from
 * vLLM's source by scripts/serve/extract-engine-args.py into engine-args-0.29.0.json. Ray Serve
 * LLM refuses any engine_kwargs key outside this list ("Unknown engine argument"), and refuses
 * `model` and `served_model_name` there (they come from model_loading_config).
 */
import engineArgs from './engine-args-0.29.0.json';

export interface EngineArgField {
  name: string;
  /** engine: EngineArgs/AsyncEngineArgs; frontend: FrontendArgs (the OpenAI server's own). */
  kind: 'engine' | 'frontend';
  type: string;
  default?: unknown;
  default_expr?: string;
}

export const VLLM_VERSION: string = engineArgs.vllm_version;
export const VLLM_ENGINE_ARG_FIELDS: readonly EngineArgField[] =
  engineArgs.fields as EngineArgField[];
export const VLLM_ENGINE_ARGS: ReadonlySet<string> = new Set(
  VLLM_ENGINE_ARG_FIELDS.map((f) => f.name),
);

/** Renamed or removed vLLM arguments (PyPI wheels diffed; ../shared/reference/VLLM-FACTS.md §3). */
export const VLLM_RENAMED_ARGS: Readonly<Record<string, { to?: string; note: string }>> = {
  disable_log_requests: { to: 'enable_log_requests', note: 'renamed in vLLM 0.11.0 (inverted)' },
  task: { to: 'runner', note: 'removed in vLLM 0.13.0; use runner (and convert)' },
  guided_decoding_backend: { to: 'structured_outputs_config', note: 'removed in vLLM 0.12.0' },
  cuda_graph_sizes: {
    to: 'cudagraph_capture_sizes',
    note: 'renamed in vLLM 0.12.0, old name removed in 0.13.0',
  },
  override_pooler_config: {
    to: 'pooler_config',
    note: 'renamed in vLLM 0.11.0, old name removed in 0.12.0',
  },
  rope_scaling: { to: 'hf_overrides', note: 'removed in vLLM 0.12.0; set it through hf_overrides' },
  rope_theta: { to: 'hf_overrides', note: 'removed in vLLM 0.12.0; set it through hf_overrides' },
  swap_space: { note: 'removed in vLLM 0.18.0' },
  calculate_kv_scales: { note: 'removed in vLLM 0.28.0' },
};

/** vLLM's ModelDType values (vllm/config/model.py). */
export const VLLM_DTYPES = ['auto', 'half', 'float16', 'bfloat16', 'float', 'float32'] as const;
