/** The public door of the Serve config model: schema, validation, YAML text with positions and edits. */
export * from './diagnostics';
export {
  LoggingConfigSchema,
  TracingConfigSchema,
  RayActorOptionsSchema,
  HttpOptionsSchema,
  GrpcOptionsSchema,
  ControllerOptionsSchema,
  PROXY_LOCATIONS,
} from './schema-common';
export * from './schema-deployment';
export * from './schema-application';
export * from './schema-llm';
export {
  VLLM_VERSION,
  VLLM_ENGINE_ARGS,
  VLLM_ENGINE_ARG_FIELDS,
  type EngineArgField,
} from './engine-args';
export { BLOCKS, findKeyProblems, knownKeys, type BlockKind } from './key-catalog';
export type { ServeClusterFacts } from './checks-resources';
export { validateServeConfig, type ServeValidation, type ValidateOptions } from './validate';
export {
  RAY_YAML,
  readerDifferences,
  parseYaml,
  locate,
  locateOffset,
  placeDiagnostics,
  validateServeYaml,
  type ParsedYaml,
} from './yaml-source';
export { setInYaml, deleteInYaml } from './yaml-edit';
export * from './status';
export * from './diff';
export * from './history';
export { describeDiff, formatFieldChange, formatValue } from './diff-text';
export { REDACTED, findRedacted, redactSecrets, redactInstance, redactDiff } from './redact';
