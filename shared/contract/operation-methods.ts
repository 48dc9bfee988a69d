/** Methods on long-running operations: list, inspect, read logs, cancel. */
import { z } from 'zod';
import { defineMethod } from './define';
import { Operation, OperationLogLine } from '../domain/operation';
import { Id, NoInput } from './primitives';

export const operationMethods = {
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
