/**
 * Every request/response method of the core, declared once. The core validates each input with
 * the schema here before a handler sees it; clients get types from the same declarations.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import { Cluster } from '../domain/cluster';
import { ResourceName } from '../domain/names';
import { Operation, OperationLogLine, OperationStarted } from '../domain/operation';

const NoInput = z.object({}).strict();
const Id = z.string({ error: 'must be text' }).min(1, { error: 'is required' }).max(128);

export const AppInfo = z.object({
  name: z.literal('Raydeck'),
  version: z.string(),
  /** Which transport the core is serving this client over. */
  mode: z.enum(['electron', 'browser', 'memory']),
  /** Where inventory, history, known hosts and operation logs live ($RAYDECK_HOME). */
  home: z.string(),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LocalCheckResult = z.object({
  name: z.string(),
  status: z.enum(['pass', 'warn', 'fail']),
  detail: z.string(),
  hint: z.string().nullable(),
});
export type LocalCheckResult = z.infer<typeof LocalCheckResult>;

export const methods = {
  'app.info': defineMethod({
    summary: 'Version, transport mode and state folder of this Raydeck.',
    input: NoInput,
    output: AppInfo,
  }),
  'app.checkLocal': defineMethod({
    summary: 'Check this machine (state folder writable, free disk, OpenSSH tools); returns an operation id.',
    input: NoInput,
    output: OperationStarted,
    longRunning: true,
  }),
  'app.localChecks': defineMethod({
    summary: 'Results of the last finished local check.',
    input: NoInput,
    output: z.array(LocalCheckResult),
  }),
  'clusters.list': defineMethod({
    summary: 'All clusters in the inventory, oldest first.',
    input: NoInput,
    output: z.array(Cluster),
  }),
  'clusters.create': defineMethod({
    summary: 'Add an empty cluster to the inventory.',
    input: z.object({ name: ResourceName }).strict(),
    output: Cluster,
  }),
  'clusters.rename': defineMethod({
    summary: 'Rename a cluster.',
    input: z.object({ id: Id, name: ResourceName }).strict(),
    output: Cluster,
  }),
  'clusters.remove': defineMethod({
    summary: 'Remove a cluster from the inventory (nothing on its nodes is touched).',
    input: z.object({ id: Id }).strict(),
    output: z.object({ removed: z.literal(true) }),
  }),
  'operations.list': defineMethod({
    summary: 'Operations of this and earlier runs, newest first.',
    input: NoInput,
    output: z.array(Operation),
  }),
  'operations.get': defineMethod({
    summary: 'One operation by id.',
    input: z.object({ id: Id }).strict(),
    output: Operation,
  }),
  'operations.logs': defineMethod({
    summary: 'The last lines of an operation log (at most 2,000).',
    input: z.object({ id: Id, tail: z.number().int().min(1).max(2000).default(200) }).strict(),
    output: z.array(OperationLogLine),
  }),
  'operations.cancel': defineMethod({
    summary: 'Ask a running operation to stop; it ends as cancelled.',
    input: z.object({ id: Id }).strict(),
    output: Operation,
  }),
} as const;

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
