/** The public door of the pipeline model (issue 17): the graph, its edits, checks, compile and read-back. */
export * from './graph';
export * from './checks';
export { replicasOf, gpusPerReplica, llmWorkers } from './checks-resources';
export {
  estimateVram,
  tensorParallelOf,
  dtypeBytes,
  modelFactsFromConfigJson,
  type VramEstimate,
} from './vram';
export * from './fixtures';
export { STAGE_OPTIONS, type StageOption } from './stage-options';
export * from './compile';
export * from './read-back';
export * from './pipeline-file';
