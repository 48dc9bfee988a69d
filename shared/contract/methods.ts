/**
 * Every request/response method of the core, declared once, feature by feature (one file per
 * feature: app-methods.ts, cluster-methods.ts, ...). The core validates each input with the
 * schema here before a handler sees it; clients get types from the same declarations.
 */
import type { z } from 'zod';
import { mergeGroups } from './define';
import { appMethods } from './app-methods';
import { clusterMethods } from './cluster-methods';
import { operationMethods } from './operation-methods';
import { nodeAccessMethods, nodeImportMethods, nodeMethods } from './node-methods';
import { terminalMethods } from './terminal-methods';
import { bringupMethods } from './bringup-methods';
import { serveMethods } from './serve-methods';
import { serveFileMethods } from './serve-file-methods';
import { modelMethods } from './model-methods';
import { monitorMethods } from './monitor-methods';
import { pipelineMethods } from './pipeline-methods';

export { AppInfo } from './app-methods';
export { ImportSource, ImportCandidate, HostKeyInfo } from './node-methods';

export const methods = mergeGroups(
  'method',
  appMethods,
  clusterMethods,
  operationMethods,
  nodeMethods,
  nodeImportMethods,
  nodeAccessMethods,
  terminalMethods,
  bringupMethods,
  serveMethods,
  serveFileMethods,
  modelMethods,
  monitorMethods,
  pipelineMethods,
);

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be omitted). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives after validation (defaults filled in). */
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export const methodNames = Object.keys(methods) as MethodName[];
export const isMethodName = (name: unknown): name is MethodName =>
  typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
