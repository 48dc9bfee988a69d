/**
 * The `options` each stage kind takes, as the app builder checks them at build time
 * (remote/raydeck_serve/raydeck_serve/stages/*.py: OPTIONS and DEFAULTS of each stage): an unknown
 * key or a wrong type fails the deploy there, so the editor says it on the stage as you type.
 * Keep this table in step with those files.
 */
import type { PipelineCheck, PipelineStage, StageKind } from './graph';

type OptionType = 'int' | 'number' | 'string' | 'bool';

export interface StageOption {
  type: OptionType[];
  default?: unknown;
  /** Whole number of at least 1 (the builder's positive_int). */
  positive?: boolean;
}

export const STAGE_OPTIONS: Partial<Record<StageKind, Record<string, StageOption>>> = {
  ingress: {},
  embedding: {
    device: { type: ['string'] },
    batch_size: { type: ['int'], default: 32, positive: true },
    normalize_embeddings: { type: ['bool'], default: false },
    trust_remote_code: { type: ['bool'] },
  },
  reranker: {
    top_n: { type: ['int'], default: 3, positive: true },
    device: { type: ['string'] },
    batch_size: { type: ['int'], default: 32, positive: true },
    max_length: { type: ['int'] },
    trust_remote_code: { type: ['bool'] },
  },
  rag: {
    top_k: { type: ['int'], default: 10, positive: true },
    max_tokens: { type: ['int'], default: 256, positive: true },
  },
  router: {
    field: { type: ['string'] },
    default: { type: ['string', 'int', 'number'] },
  },
};

const isType = (v: unknown, t: OptionType): boolean =>
  t === 'int'
    ? Number.isInteger(v)
    : t === 'number'
      ? typeof v === 'number' && Number.isFinite(v)
      : t === 'string'
        ? typeof v === 'string'
        : typeof v === 'boolean';

const TYPE_WORDS: Record<OptionType, string> = {
  int: 'a whole number',
  number: 'a number',
  string: 'a string',
  bool: 'true or false',
};

/** Unknown options and wrong types on a stage (custom and llm stages are not checked here). */
export function checkStageOptions(stage: PipelineStage): PipelineCheck[] {
  const table = STAGE_OPTIONS[stage.kind];
  if (!table) return [];
  const options = 'options' in stage && stage.options ? stage.options : {};
  const out: PipelineCheck[] = [];
  for (const [key, value] of Object.entries(options)) {
    const known = table[key];
    if (!known) {
      const names = Object.keys(table);
      out.push({
        stageId: stage.id,
        severity: 'error',
        code: 'unknown-option',
        message: `a ${stage.kind} stage has no option "${key}"; the app builder refuses it`,
        fix: names.length
          ? `use one of ${names.join(', ')}`
          : `remove "${key}": this kind takes no options`,
      });
    } else if (value !== null && value !== undefined) {
      if (!known.type.some((t) => isType(value, t)))
        out.push({
          stageId: stage.id,
          severity: 'error',
          code: 'option-type',
          message: `option "${key}" of "${stage.id}" must be ${known.type.map((t) => TYPE_WORDS[t]).join(' or ')}, got ${JSON.stringify(value)}`,
          fix: `write ${key} as ${TYPE_WORDS[known.type[0]!]}`,
        });
      else if (known.positive && (value as number) < 1)
        out.push({
          stageId: stage.id,
          severity: 'error',
          code: 'option-range',
          message: `option "${key}" of "${stage.id}" must be at least 1, got ${String(value)}`,
          fix: `set ${key} to 1 or more`,
        });
    }
  }
  return out;
}
