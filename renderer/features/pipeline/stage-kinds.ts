/**
 * The palette of stage kinds: their labels, icons and one-line descriptions of what runs.
 */
import type { StageKind } from '../../../shared/pipeline';

export interface StageKindInfo {
  kind: StageKind;
  label: string;
  /** What it runs, in a few words (the palette's tooltip and the node's subtitle). */
  what: string;
  icon: string;
}

export const STAGE_KINDS: readonly StageKindInfo[] = [
  { kind: 'llm', label: 'LLM', what: 'vLLM via Ray Serve LLM', icon: '✦' },
  { kind: 'embedding', label: 'Embedding', what: 'sentence-transformers model', icon: '⋯' },
  { kind: 'reranker', label: 'Reranker', what: 'cross-encoder (sentence-transformers)', icon: '⇅' },
  {
    kind: 'router',
    label: 'Router',
    what: 'model gateway: picks a stage by a request field',
    icon: '⇉',
  },
  { kind: 'ingress', label: 'Ingress', what: 'HTTP routes into the pipeline', icon: '⇥' },
  { kind: 'rag', label: 'RAG', what: 'embed, cosine top-k, rerank, then the LLM', icon: '⌕' },
  { kind: 'custom', label: 'Custom', what: 'any deployment by import path', icon: '⚙' },
];

export function kindInfo(kind: StageKind): StageKindInfo {
  return STAGE_KINDS.find((k) => k.kind === kind) ?? STAGE_KINDS[STAGE_KINDS.length - 1]!;
}
