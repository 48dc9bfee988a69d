/**
 * Graphs to start from, the three shapes of the seed documents, as the pipeline model's own
 * example pipelines (shared/pipeline/fixtures.ts): the RAG pipeline (embedding -> reranker ->
 * LLM behind a rag orchestrator), seed 001's model gateway (a router picking an LLM by
 * `model_size`), and a tensor-parallel LLM. Their models are the tiny ones Raydeck places under
 * ~/.raydeck/models on the nodes; change the sources in the side form for real models.
 */
import {
  gatewayPipeline,
  ragPipeline,
  tpPipeline,
  type PipelineGraph,
} from '../../../shared/pipeline';

export interface PipelineTemplate {
  id: 'rag' | 'gateway' | 'tp-llm';
  title: string;
  text: string;
  graph: () => PipelineGraph;
}

export const TEMPLATES: readonly PipelineTemplate[] = [
  {
    id: 'rag',
    title: 'RAG: embedding → reranker → LLM',
    text: 'Embeds the query and candidates, keeps the cosine top-k, reranks them with a cross-encoder and answers with the LLM.',
    graph: ragPipeline,
  },
  {
    id: 'gateway',
    title: 'Model gateway: route by model_size',
    text: 'A router sends model_size 7b requests to one LLM stage and 70b to another (seed 001).',
    graph: gatewayPipeline,
  },
  {
    id: 'tp-llm',
    title: 'Tensor-parallel LLM',
    text: 'One LLM split over 2 GPUs of one node: one placement-group bundle per GPU.',
    graph: () => tpPipeline(2),
  },
];
