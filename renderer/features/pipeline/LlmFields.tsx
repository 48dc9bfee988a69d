/**
 * The llm stage's part of the side form: Ray Serve LLM's model_loading_config (model id and
 * source: a path on the nodes or a Hugging Face id), the vLLM engine arguments users change most
 * (dtype, max_model_len, gpu_memory_utilization, tensor_parallel_size) as fields, every other
 * engine argument as key/value, and the accelerator type.
 */
import type { LlmStage } from '../../../shared/pipeline';
import { KeyValueEditor, NumberField, TextField } from './FormFields';
import { llmSource } from './stage-summary';

const DTYPES = ['auto', 'float16', 'bfloat16', 'float32', 'half', 'float'] as const;
const OWN_FIELDS = ['dtype', 'max_model_len', 'gpu_memory_utilization', 'tensor_parallel_size'];

export function LlmFields({
  stage,
  change,
  disabled,
}: {
  stage: LlmStage;
  /** Writes a new stage; `field` names the input being typed into (one undo step per field). */
  change(next: LlmStage, field: string): void;
  disabled: boolean;
}) {
  const cfg = stage.llm_config;
  const engine = cfg.engine_kwargs ?? {};
  const setEngine = (key: string, v: unknown) => {
    const next = { ...engine };
    if (v === undefined) delete next[key];
    else next[key] = v;
    change({ ...stage, llm_config: { ...cfg, engine_kwargs: next } }, `engine.${key}`);
  };
  const num = (key: string) =>
    typeof engine[key] === 'number' ? (engine[key] as number) : undefined;
  const others = Object.fromEntries(
    Object.entries(engine).filter(([k]) => !OWN_FIELDS.includes(k)),
  );
  const dtype = typeof engine.dtype === 'string' ? engine.dtype : 'auto';
  return (
    <>
      <TextField
        label="Model id"
        value={cfg.model_loading_config.model_id}
        disabled={disabled}
        hint="The name clients ask for (the OpenAI model field)."
        validate={(v) => (v.trim() ? null : 'Required: the name the model answers to.')}
        onChange={(v) =>
          change(
            {
              ...stage,
              llm_config: {
                ...cfg,
                model_loading_config: { ...cfg.model_loading_config, model_id: v },
              },
            },
            'model_id',
          )
        }
      />
      <TextField
        label="Model source"
        value={llmSource(stage)}
        disabled={disabled}
        placeholder="/root/.raydeck/models/tiny-llama or org/model"
        hint="A folder on the nodes (pushed from the Models list) or a Hugging Face id the nodes fetch."
        validate={(v) => (v.trim() ? null : 'Required: where vLLM loads the weights from.')}
        onChange={(v) =>
          change(
            {
              ...stage,
              llm_config: {
                ...cfg,
                model_loading_config: { ...cfg.model_loading_config, model_source: v },
              },
            },
            'model_source',
          )
        }
      />
      <div className="field pl-field">
        <label htmlFor={`dtype-${stage.id}`}>dtype</label>
        <select
          id={`dtype-${stage.id}`}
          value={dtype}
          disabled={disabled}
          onChange={(e) => setEngine('dtype', e.target.value === 'auto' ? 'auto' : e.target.value)}
        >
          {(DTYPES as readonly string[]).includes(dtype) ? null : (
            <option value={dtype}>{dtype}</option>
          )}
          {DTYPES.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </div>
      <div className="form-grid">
        <NumberField
          label="max_model_len"
          value={num('max_model_len')}
          rules={{ min: 16, integer: true, optional: true }}
          disabled={disabled}
          hint="Tokens of context; sets the KV cache in the VRAM estimate."
          onChange={(v) => setEngine('max_model_len', v)}
        />
        <NumberField
          label="gpu_memory_utilization"
          value={num('gpu_memory_utilization')}
          rules={{ min: 0.05, max: 1, optional: true }}
          disabled={disabled}
          hint="Share of each GPU vLLM may take (0.9 by default)."
          onChange={(v) => setEngine('gpu_memory_utilization', v)}
        />
        <NumberField
          label="tensor_parallel_size"
          value={num('tensor_parallel_size')}
          rules={{ min: 1, max: 64, integer: true, optional: true }}
          disabled={disabled}
          hint="GPUs per replica, one placement-group bundle each, on one node."
          onChange={(v) => setEngine('tensor_parallel_size', v)}
        />
        <TextField
          label="Accelerator type"
          value={cfg.accelerator_type ?? ''}
          disabled={disabled}
          placeholder="any"
          onChange={(v) =>
            change(
              { ...stage, llm_config: { ...cfg, accelerator_type: v.trim() ? v : null } },
              'accelerator',
            )
          }
        />
      </div>
      <KeyValueEditor
        label="Other engine arguments"
        entries={others}
        reserved={OWN_FIELDS}
        disabled={disabled}
        testId="llm-engine-args"
        onChange={(next) => {
          const own = Object.fromEntries(
            Object.entries(engine).filter(([k]) => OWN_FIELDS.includes(k)),
          );
          change(
            { ...stage, llm_config: { ...cfg, engine_kwargs: { ...own, ...next } } },
            'engine.other',
          );
        }}
      />
    </>
  );
}
